import type { BackendName } from '../../pipeline/choices.js';
import { exportArtifact as exportRun } from '../../pipeline/exportArtifact.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface ExportArgs extends ReportOptions {
  readonly file: string;
  readonly checkpoint: string;
  readonly out: string;
  readonly version?: string;
  readonly rows?: number;
  readonly backend?: BackendName;
}

/**
 * `bird export FILE --checkpoint RUN --out artifacts/`: the pipeline's `exportArtifact`
 * (each signature lowered to ONNX, ONNX Runtime checked against TF.js on holdout rows,
 * the version checked against the latest artifact, `artifacts/<model>/<version>/`
 * written), then what it did: each comparison and the folder written, or one JSON summary.
 */
export async function exportArtifact(args: ExportArgs, io: Io): Promise<number> {
  checkOut(args.out, 'folder');
  const result = await exportRun({
    file: args.file,
    checkpoint: args.checkpoint,
    out: args.out,
    ...(args.version !== undefined ? { version: args.version } : {}),
    ...(args.rows !== undefined ? { rows: args.rows } : {}),
    ...(args.backend !== undefined ? { backend: args.backend } : {}),
  });
  const done = result.value;
  if (!done) {
    reportDiagnostics(io, result.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const { artifact, model, version, previous, bump, written } = done;
  if (!written) {
    io.stderr(`artifacts ${model} ${version} already holds this model (nothing changed); nothing written\n`);
    if (args.json) io.stdout(JSON.stringify({ artifact, model, version, previous, bump, written }, null, 2) + '\n');
    return ExitCode.ok;
  }
  if (args.json) {
    const { signatures, rows, comparisons } = done;
    io.stdout(JSON.stringify({ artifact, model, version, previous, bump, written, signatures, rows, comparisons }, null, 2) + '\n');
  } else {
    for (const c of done.comparisons)
      io.stderr(
        `${c.signature}.${c.output}: ONNX Runtime matches TF.js on ${done.rows} rows (max abs diff ${c.maxAbs.toExponential(2)})\n`,
      );
    const change = previous === null ? '' : bump === 'none' ? ` (no change from ${previous})` : ` (a ${bump} change from ${previous})`;
    io.stderr(`wrote ${artifact}${change}\n`);
  }
  return ExitCode.ok;
}
