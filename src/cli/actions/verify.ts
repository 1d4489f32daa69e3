import { join } from 'node:path';
import { ArtifactError } from '../../artifact/artifactError.js';
import { loadArtifact, type LoadedArtifact } from '../../artifact/loadArtifact.js';
import { checkGoldenRows } from '../../artifact/openArtifact.js';
import { replayVectors } from '../../artifact/replayVectors.js';
import { artifactChecks } from '../../data/artifactChecks.js';
import { BackendUnavailable, loadTf, type BackendName } from '../../backends/tfjs/loadTf.js';
import { clientRows } from '../../data/clientRows.js';
import { DataError } from '../../data/dataError.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { SourceFile } from '../../source/sourceFile.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { backendTolerance, compareOutputsOf, onnxOutputs, tfjsOutputs, type OutputComparison } from '../../pipeline/compareBackends.js';
import { ExitCode } from '../exitCodes.js';
import { loadedSignatures, loadedWeights } from '../../pipeline/loadedSignatures.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';

export interface VerifyArgs extends ReportOptions {
  readonly artifact: string;
  readonly data?: string;
  readonly rows?: number;
  readonly backend?: BackendName;
}

/**
 * `bird verify ARTIFACT [--data PATH]`: checks every file against the manifest's hashes,
 * runs each signature's model on its golden inputs and compares with the golden outputs,
 * and with `--data` also compares ONNX Runtime with TF.js (the artifact's own IR and
 * weights) on raw rows.
 */
export async function verify(args: VerifyArgs, io: Io): Promise<number> {
  const fail = (ds: Diagnostic[]): number => {
    reportDiagnostics(io, ds, args);
    return ExitCode.diagnostics;
  };
  let artifact: LoadedArtifact;
  try {
    artifact = loadArtifact(args.artifact, { hash: artifactChecks.hash });
  } catch (error) {
    return fail([artifactDiagnostic(error, args.artifact, '')]);
  }
  const { manifest } = artifact;
  const problems: Diagnostic[] = [];
  const golden: { signature: string; rows: number }[] = [];
  for (const r of await replayVectors(artifact)) {
    if (r.error !== undefined) {
      const file = join(args.artifact, manifest.signatures.find((s) => s.name === r.signature)!.file);
      problems.push(
        artifactDiagnostic(
          new ArtifactError(
            'artifact-bad-onnx',
            `ONNX Runtime cannot run signature \`${r.signature}\` of artifact ${manifest.name} ${manifest.version} on its golden inputs: ${r.error}`,
            'the model file was replaced or damaged; restore the artifact from where it was published',
            file,
          ),
          args.artifact,
          '',
        ),
      );
    }
    for (const m of r.mismatches)
      problems.push(
        diagnostic(
          'vectorsMismatch',
          { output: m.output, signature: r.signature, detail: m.message },
          new SourceFile(`${args.artifact}/vectors.json`, ''),
          { start: 0, end: 0 },
        ),
      );
    golden.push({ signature: r.signature, rows: r.rows });
  }
  if (problems.length === 0) {
    try {
      checkGoldenRows(artifact, artifactChecks.encode);
    } catch (error) {
      return fail([artifactDiagnostic(error, args.artifact, '')]);
    }
  }
  const comparisons: OutputComparison[] = [];
  let rowCount = 0;
  if (args.data !== undefined && problems.length === 0) {
    const limit = args.rows ?? 1024;
    try {
      const rows = await clientRows(args.data, limit, undefined, {
        features: artifact.ir.features.filter((f) => f.role === 'feature'),
        bad: 'fail',
      });
      if (rows.length === 0) throw new UsageError(`\`${args.data}\` has no rows to compare on`);
      rowCount = rows.length;
      const { tf } = await loadTf(args.backend).catch((error: unknown) => {
        throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
      });
      const tfjs = await tfjsOutputs(tf, artifact.ir, loadedWeights(artifact), rows);
      for (const s of loadedSignatures(artifact))
        comparisons.push(...compareOutputsOf(s, (await onnxOutputs(s, rows)).outputs, tfjs, rows.length));
    } catch (error) {
      if (error instanceof DataError) return fail([error.diagnostic]);
      throw error;
    }
    for (const c of comparisons.filter((c) => !c.ok)) {
      const detail = `on row ${c.row + 1} of ${rowCount}, ${c.onnx} against ${c.tfjs} (max abs diff ${c.maxAbs.toExponential(2)}, tolerance ${backendTolerance.abs} + ${backendTolerance.rel} x |tfjs|)`;
      problems.push(
        diagnostic('backendsDisagree', { output: c.output, signature: c.signature, detail }, new SourceFile(args.data, ''), {
          start: 0,
          end: 0,
        }),
      );
    }
  }
  if (problems.length > 0) return fail(problems);
  if (args.json)
    io.stdout(
      JSON.stringify(
        {
          artifact: args.artifact,
          model: manifest.name,
          version: manifest.version,
          files: Object.keys(manifest.files).length,
          golden,
          comparisons,
          rows: rowCount,
        },
        null,
        2,
      ) + '\n',
    );
  else {
    io.stderr(
      `${manifest.name} ${manifest.version}: every file matches its sha256 in manifest.json (${Object.keys(manifest.files).length} files)\n`,
    );
    for (const g of golden) io.stderr(`${g.signature}: ONNX Runtime reproduces the golden vectors (${g.rows} rows)\n`);
    for (const c of comparisons)
      io.stderr(
        `${c.signature}.${c.output}: ONNX Runtime matches TF.js on ${rowCount} row${rowCount === 1 ? '' : 's'} of ${args.data} (max abs diff ${c.maxAbs.toExponential(2)})\n`,
      );
  }
  return ExitCode.ok;
}
