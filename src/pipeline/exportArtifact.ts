import { join } from 'node:path';
import { compare } from 'semver';
import { assembleArtifact, type ArtifactInput } from '../artifact/assembleArtifact.js';
import { checkVersionBump } from '../artifact/checkVersionBump.js';
import { diffManifests } from '../artifact/diffManifests.js';
import { describeHashFunction } from '../artifact/hashFunctionSpec.js';
import { readManifest } from '../artifact/loadArtifact.js';
import { latestVersion, nextVersion, type Bump } from '../artifact/versions.js';
import { writeArtifact } from '../artifact/writeArtifact.js';
import type { ExportedSignature } from '../backends/onnx/exportedSignature.js';
import { exportSignatures } from '../backends/onnx/exportSignatures.js';
import type { BackendName } from '../backends/tfjs/loadTf.js';
import { birdHashFunctions } from '../data/artifactChecks.js';
import { DataError } from '../data/dataError.js';
import { dataFingerprint } from '../data/dataFingerprint.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { compileModel } from '../ir/compileModel.js';
import type { IrGraph } from '../ir/ir.js';
import { artifactDiagnostic } from './artifactDiagnostic.js';
import { checkFile } from './checkFile.js';
import { comparisonRows } from './comparisonRows.js';
import { compareOutputsOf, disagreement, onnxOutputs, tfjsOutputs, type OutputComparison } from './compareBackends.js';
import { goldenCount, goldenVectors, type OnnxRun } from './goldenVectors.js';
import { loadBackend } from './loadBackend.js';
import { failed, type Result } from './result.js';
import { readRun, type TrainedRun } from './runFolder.js';
import { requireSignature, selectModel } from './selectModel.js';
import { birdVersion } from './version.js';

export interface ExportOptions {
  /** The `.bird` file of the trained model: its signatures as they are now are exported. */
  readonly file: string;
  /** A run folder (the checkpoint it kept, or its newest) or one checkpoint folder inside it. */
  readonly checkpoint: string;
  /** The artifacts folder; the artifact goes to `out/MODEL/VERSION`. */
  readonly out: string;
  /** Default: the signatures' highest version for a first export, else the smallest above the latest that the change allows. */
  readonly version?: string;
  /** Holdout rows on which ONNX Runtime must match TF.js (default 512). */
  readonly rows?: number;
  readonly backend?: BackendName;
}

export interface ExportedArtifact {
  /** The folder written, or (`written` false) the latest one, which already holds this model. */
  readonly artifact: string;
  readonly model: string;
  readonly version: string;
  /** The latest version in the folder before this export, if any. */
  readonly previous: string | null;
  /** The change from `previous` (`none` when nothing was written), null for a first export. */
  readonly bump: Bump | null;
  readonly written: boolean;
  readonly signatures: readonly { readonly name: string; readonly version: string }[];
  /** The rows ONNX Runtime and TF.js were compared on, and each output's comparison. */
  readonly rows: number;
  readonly comparisons: readonly OutputComparison[];
}

/** Statistics that differ between machines and runs (timings, memory, counters), left out of the artifact's metrics. */
const runFigures = ['epoch', 'steps', 'examples', 'train_s', 'examples_per_s', 'peak_rss_mb'];

/**
 * `bird export`: lowers each signature of the trained model to ONNX, runs ONNX Runtime
 * and TF.js on the same holdout rows and refuses on any disagreement (BIRD6002), checks
 * the version against the latest artifact in `out/MODEL` (BIRD6003), and writes
 * `out/MODEL/VERSION/` through a temporary folder. The same model exported again writes
 * nothing (`written` false). The signatures are the file's as it is now (a version raised
 * after training counts); the network, its fitted statistics and weights are the run's.
 * A run folder that is not one, or a TF.js backend that cannot start, is a `UsageError`.
 */
export async function exportArtifact(options: ExportOptions): Promise<Result<ExportedArtifact>> {
  const checked = checkFile(options.file);
  if (!checked.value) return failed(checked.diagnostics);
  const warnings = checked.diagnostics;
  const { source, models } = checked.value;
  const run = readRun(options.checkpoint);
  const selected = selectModel(source, models, run.graph.model, 'only', { run: run.run });
  const model = selected.value;
  const refused = model ? requireSignature(model, 'export') : selected.diagnostics[0];
  if (!model || refused) return failed([refused!], warnings);
  const compiled = compileModel(model);
  if (hasErrors(compiled.diagnostics)) return failed(compiled.diagnostics, warnings);
  const graph: IrGraph = { ...run.graph, signatures: compiled.graph.signatures };
  const fail = (d: Diagnostic): Result<ExportedArtifact> => failed([d], warnings);
  let signatures: ExportedSignature[];
  try {
    signatures = exportSignatures(graph, run.weights, { producerVersion: birdVersion });
  } catch (error) {
    return fail(artifactDiagnostic(error, options.file, graph.model, source));
  }
  const rows = await comparisonRows(run, options.rows ?? 512);
  if (!rows.value) return failed(rows.diagnostics, warnings);
  const tf = await loadBackend(options.backend);
  let tfjs: Map<string, Float32Array>;
  try {
    tfjs = await tfjsOutputs(tf, graph, run.weights, rows.value);
  } catch (error) {
    if (error instanceof DataError) return fail(error.diagnostic);
    throw error;
  }
  const runs: OnnxRun[] = [];
  const comparisons: OutputComparison[] = [];
  for (const s of signatures) {
    const r = await onnxOutputs(s, rows.value);
    runs.push(r);
    comparisons.push(...compareOutputsOf(s, r.outputs, tfjs, rows.value.length));
  }
  const bad = comparisons.find((c) => !c.ok);
  if (bad) return fail(disagreement(bad, rows.value.length, options.file));
  const input = await artifactInput(run, graph, signatures, goldenVectors(signatures, runs, goldenCount, rows.value));
  const modelDir = join(options.out, graph.model);
  const summary = {
    model: graph.model,
    signatures: signatures.map((s) => ({ name: s.name, version: s.version })),
    rows: rows.value.length,
    comparisons,
  };
  try {
    const latest = latestVersion(modelDir);
    const previous = latest === undefined ? undefined : readManifest(join(modelDir, latest));
    let version = options.version;
    if (version === undefined) {
      const bump = previous ? diffManifests(previous, assembleArtifact(input(latest!)).manifest).bump : 'major';
      // The same model exported again is already published: nothing to write.
      if (previous && bump === 'none') {
        const artifact = join(modelDir, latest!);
        return {
          value: { ...summary, artifact, version: latest!, previous: latest!, bump: 'none', written: false },
          diagnostics: warnings,
        };
      }
      const first = signatures
        .map((s) => s.version)
        .sort(compare)
        .at(-1)!;
      version = previous ? nextVersion(latest!, bump === 'none' ? 'patch' : bump) : first;
    }
    const assembled = assembleArtifact(input(version));
    const diff = previous ? checkVersionBump(previous, assembled.manifest) : undefined;
    const artifact = writeArtifact(options.out, assembled);
    return {
      value: { ...summary, artifact, version, previous: latest ?? null, bump: diff?.bump ?? null, written: true },
      diagnostics: warnings,
    };
  } catch (error) {
    return fail(artifactDiagnostic(error, modelDir, graph.model));
  }
}

/** What the artifact holds but its version: the run's fitted IR and weights, the signatures, golden vectors, the data's fingerprint, the run's figures. */
async function artifactInput(
  run: TrainedRun,
  graph: IrGraph,
  signatures: readonly ExportedSignature[],
  vectors: ArtifactInput['vectors'],
): Promise<(version: string) => ArtifactInput> {
  const data = await dataFingerprint(run.config.data, run.metrics['examples'] ?? 0);
  return (version) => ({
    version,
    birdVersion,
    graph,
    signatures,
    weights: [...run.weights]
      .map(([name, values]) => ({
        name,
        shape: graph.nodes.find((n) => n.op === 'param' && n.attrs['name'] === name)?.attrs['shape'] as number[],
        values,
      }))
      .filter((w) => w.shape !== undefined),
    vectors,
    hash: describeHashFunction(birdHashFunctions),
    data,
    // What the model achieved: the loss and the metrics.
    metrics: Object.fromEntries(Object.entries(run.metrics).filter(([k]) => !runFigures.includes(k))),
  });
}
