import { join } from 'node:path';
import { ArtifactError } from '../artifact/artifactError.js';
import { loadArtifact, type LoadedArtifact } from '../artifact/loadArtifact.js';
import { checkGoldenRows } from '../artifact/openArtifact.js';
import { replayVectors } from '../artifact/replayVectors.js';
import type { BackendName } from '../backends/tfjs/loadTf.js';
import { artifactChecks } from '../data/artifactChecks.js';
import { clientRows } from '../data/clientRows.js';
import { DataError } from '../data/dataError.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import { compareOutputsOf, disagreement, onnxOutputs, tfjsOutputs, type OutputComparison } from './compareBackends.js';
import { loadedSignatures, loadedWeights } from './loadedSignatures.js';
import { loadBackend } from './loadBackend.js';
import { failed, type Result } from './result.js';

export interface VerifyOptions {
  /** The artifact folder (`OUT/MODEL/VERSION`). */
  readonly artifact: string;
  /** Also compare ONNX Runtime with TF.js on the rows of this data file (a glob reads every file it matches). */
  readonly data?: string;
  /** How many rows of `data` to compare (default 1024). */
  readonly rows?: number;
  readonly backend?: BackendName;
}

export interface VerifiedArtifact {
  readonly artifact: string;
  readonly model: string;
  readonly version: string;
  /** The files the manifest lists, each matching its sha256. */
  readonly files: number;
  /** Each signature's golden vectors, reproduced by ONNX Runtime. */
  readonly golden: readonly { readonly signature: string; readonly rows: number }[];
  /** With `data`: each output, ONNX Runtime against TF.js, and the rows compared. */
  readonly comparisons: readonly OutputComparison[];
  readonly rows: number;
}

/** BIRD6004 (through `artifactDiagnostic`) for a signature's model that ONNX Runtime cannot run. */
function unrunnable(artifact: LoadedArtifact, dir: string, signature: string, error: string): Diagnostic {
  const { manifest } = artifact;
  const file = join(dir, manifest.signatures.find((s) => s.name === signature)!.file);
  return artifactDiagnostic(
    new ArtifactError(
      'artifact-bad-onnx',
      `ONNX Runtime cannot run signature \`${signature}\` of artifact ${manifest.name} ${manifest.version} on its golden inputs: ${error}`,
      'the model file was replaced or damaged; restore the artifact from where it was published',
      file,
    ),
    dir,
    '',
  );
}

/**
 * `bird verify`: checks every file of an artifact against the manifest's hashes, runs each
 * signature's model on its golden inputs and compares with the golden outputs (BIRD6005
 * for each that strays), and with `data` also compares ONNX Runtime with TF.js (the
 * artifact's own IR and weights) on raw rows (BIRD6002 for each output out of tolerance).
 * A TF.js backend that cannot start is a `UsageError`.
 */
export async function verifyArtifact(options: VerifyOptions): Promise<Result<VerifiedArtifact>> {
  let artifact: LoadedArtifact;
  try {
    artifact = loadArtifact(options.artifact, { hash: artifactChecks.hash });
  } catch (error) {
    return failed([artifactDiagnostic(error, options.artifact, '')]);
  }
  const { manifest } = artifact;
  const problems: Diagnostic[] = [];
  const golden: { signature: string; rows: number }[] = [];
  for (const r of await replayVectors(artifact)) {
    if (r.error !== undefined) problems.push(unrunnable(artifact, options.artifact, r.signature, r.error));
    for (const m of r.mismatches)
      problems.push(
        diagnostic(
          'vectorsMismatch',
          { output: m.output, signature: r.signature, detail: m.message },
          new SourceFile(`${options.artifact}/vectors.json`, ''),
          { start: 0, end: 0 },
        ),
      );
    golden.push({ signature: r.signature, rows: r.rows });
  }
  if (problems.length === 0) {
    try {
      checkGoldenRows(artifact, artifactChecks.encode);
    } catch (error) {
      return failed([artifactDiagnostic(error, options.artifact, '')]);
    }
  }
  const comparisons: OutputComparison[] = [];
  let rowCount = 0;
  if (options.data !== undefined && problems.length === 0) {
    try {
      // A bad row fails here: these rows are the user's own, to be checked, not samples.
      const rows = await clientRows(options.data, options.rows ?? 1024, undefined, {
        features: artifact.ir.features.filter((f) => f.role === 'feature'),
        bad: 'fail',
      });
      // readRows refuses a file without rows (BIRD7002) first; this keeps a guarantee the comparison needs.
      if (rows.length === 0)
        return failed([diagnostic('emptyData', { path: options.data }, new SourceFile(options.data, ''), { start: 0, end: 0 })]);
      rowCount = rows.length;
      const tf = await loadBackend(options.backend);
      const tfjs = await tfjsOutputs(tf, artifact.ir, loadedWeights(artifact), rows);
      for (const s of loadedSignatures(artifact))
        comparisons.push(...compareOutputsOf(s, (await onnxOutputs(s, rows)).outputs, tfjs, rows.length));
    } catch (error) {
      if (error instanceof DataError) return failed([error.diagnostic]);
      throw error;
    }
    for (const c of comparisons.filter((c) => !c.ok)) problems.push(disagreement(c, rowCount, options.data));
  }
  if (problems.length > 0) return failed(problems);
  const files = Object.keys(manifest.files).length;
  return {
    value: { artifact: options.artifact, model: manifest.name, version: manifest.version, files, golden, comparisons, rows: rowCount },
    diagnostics: [],
  };
}
