import type { BackendName } from '../../pipeline/choices.js';
import { verifyArtifact } from '../../pipeline/verifyArtifact.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface VerifyArgs extends ReportOptions {
  readonly artifact: string;
  readonly data?: string;
  readonly rows?: number;
  readonly backend?: BackendName;
}

/**
 * `bird verify ARTIFACT [--data PATH]`: the pipeline's `verifyArtifact` (every file against
 * the manifest's hashes, each signature's golden vectors replayed, and with `--data` ONNX
 * Runtime against TF.js on raw rows), then what was checked, or one JSON summary.
 */
export async function verify(args: VerifyArgs, io: Io): Promise<number> {
  const result = await verifyArtifact({
    artifact: args.artifact,
    ...(args.data !== undefined ? { data: args.data } : {}),
    ...(args.rows !== undefined ? { rows: args.rows } : {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
  });
  const v = result.value;
  if (!v) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  if (args.json) {
    const { artifact, model, version, files, golden, comparisons, rows } = v;
    io.stdout(JSON.stringify({ artifact, model, version, files, golden, comparisons, rows }, null, 2) + '\n');
  } else {
    io.stderr(`${v.model} ${v.version}: every file matches its sha256 in manifest.json (${v.files} files)\n`);
    for (const g of v.golden) io.stderr(`${g.signature}: ONNX Runtime reproduces the golden vectors (${g.rows} rows)\n`);
    for (const c of v.comparisons)
      io.stderr(
        `${c.signature}.${c.output}: ONNX Runtime matches TF.js on ${v.rows} row${v.rows === 1 ? '' : 's'} of ${args.data} (max abs diff ${c.maxAbs.toExponential(2)})\n`,
      );
  }
  return ExitCode.ok;
}
