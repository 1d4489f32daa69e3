import { join } from 'node:path';
import { compare } from 'semver';
import { assembleArtifact, type ArtifactInput } from '../../artifact/assembleArtifact.js';
import { checkVersionBump } from '../../artifact/checkVersionBump.js';
import { describeHashFunction } from '../../artifact/hashFunctionSpec.js';
import { birdHashFunctions } from '../../data/artifactChecks.js';
import { readManifest } from '../../artifact/loadArtifact.js';
import { encodeVectorTensor, type GoldenVectors } from '../../artifact/vectors.js';
import { diffManifests } from '../../artifact/diffManifests.js';
import { latestVersion, nextVersion } from '../../artifact/versions.js';
import { writeArtifact } from '../../artifact/writeArtifact.js';
import type { ExportedSignature } from '../../backends/onnx/exportedSignature.js';
import { exportSignatures } from '../../backends/onnx/exportSignatures.js';
import type { OnnxValue } from '../../backends/onnx/runOnnx.js';
import { BackendUnavailable, loadTf, type BackendName } from '../../backends/tfjs/loadTf.js';
import { clientRows } from '../../data/clientRows.js';
import { DataError } from '../../data/dataError.js';
import { dataFingerprint } from '../../data/dataFingerprint.js';
import type { ClientRow } from '../../data/signatureFeeds.js';
import { diagnostic, hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { compileModel } from '../../ir/compileModel.js';
import type { IrGraph } from '../../ir/ir.js';
import { SourceFile } from '../../source/sourceFile.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { backendTolerance, compareOutputsOf, onnxOutputs, tfjsOutputs, type OutputComparison } from '../../pipeline/compareBackends.js';
import { requireSignature, selectModel } from '../../pipeline/selectModel.js';
import { checkOut } from '../outPath.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { readRun } from '../../pipeline/runFolder.js';
import { UsageError } from '../../pipeline/usageError.js';
import { birdVersion } from '../../pipeline/version.js';

export interface ExportArgs extends ReportOptions {
  readonly file: string;
  readonly checkpoint: string;
  readonly out: string;
  readonly version?: string;
  readonly rows?: number;
  readonly backend?: BackendName;
}

/** Golden rows in `vectors.json`; the comparison with TF.js runs on `--rows` holdout rows. */
const goldenCount = 8;

/** Golden inputs (the first rows' feeds) and ONNX Runtime's outputs on them, per signature. */
function goldenVectors(
  signatures: readonly ExportedSignature[],
  runs: readonly { feeds: Record<string, OnnxValue>; outputs: Record<string, OnnxValue> }[],
  count: number,
  rows: readonly ClientRow[],
): GoldenVectors {
  const head = (v: OnnxValue): { shape: number[]; values: Float32Array | BigInt64Array | (number | string)[] } => {
    const width = v.dims.slice(1).reduce((p, q) => p * q, 1);
    const shape = [Math.min(count, v.dims[0]!), ...v.dims.slice(1)];
    const n = shape[0]! * width;
    if (v.dtype === 'float32') return { shape, values: v.data.slice(0, n) };
    if (v.dtype === 'int64') return { shape, values: v.data.slice(0, n) };
    if (v.dtype === 'bool') return { shape, values: Array.from(v.data.slice(0, n)) };
    return { shape, values: v.data.slice(0, n) };
  };
  const tensor = (dtype: ExportedSignature['inputs'][number]['dtype'], v: OnnxValue) => {
    const h = head(v);
    return encodeVectorTensor(dtype, h.shape, h.values);
  };
  // Only the columns some signature reads, so labels and unused columns stay out.
  const read = new Set(signatures.flatMap((s) => s.inputs.map((i) => i.feature)));
  return {
    rows: rows.slice(0, count).map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => read.has(k))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    ),
    tolerance: { ...backendTolerance },
    signatures: Object.fromEntries(
      signatures.map((s, i) => [
        s.name,
        {
          inputs: Object.fromEntries(s.inputs.map((input) => [input.name, tensor(input.dtype, runs[i]!.feeds[input.name]!)])),
          outputs: Object.fromEntries(s.outputs.map((o) => [o.name, tensor(o.dtype, runs[i]!.outputs[o.name]!)])),
        },
      ]),
    ),
  };
}

function mismatchDiagnostic(c: OutputComparison, rows: number, where: string): Diagnostic {
  const detail = `on row ${c.row + 1} of ${rows}, ${c.onnx} against ${c.tfjs} (max abs diff ${c.maxAbs.toExponential(2)}, tolerance ${backendTolerance.abs} + ${backendTolerance.rel} x |tfjs|)`;
  return diagnostic('backendsDisagree', { output: c.output, signature: c.signature, detail }, new SourceFile(where, ''), {
    start: 0,
    end: 0,
  });
}

/**
 * `bird export FILE --checkpoint RUN --out artifacts/`: lowers each signature of the
 * trained model to ONNX, runs ONNX Runtime and TF.js on the same holdout rows and refuses
 * on any disagreement, checks the version against the latest artifact in the folder, and
 * writes `artifacts/<model>/<version>/` through a temporary folder.
 */
export async function exportArtifact(args: ExportArgs, io: Io): Promise<number> {
  checkOut(args.out, 'folder');
  const [source] = readSources([args.file]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) {
    reportDiagnostics(io, checked.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const run = readRun(args.checkpoint);
  const selected = selectModel(source!, checked.models, run.graph.model, 'only', { run: run.run });
  const model = selected.value;
  const refused = model ? requireSignature(model, 'export') : selected.diagnostics[0];
  if (!model || refused) {
    reportDiagnostics(io, [refused!], args);
    return ExitCode.diagnostics;
  }
  // Signatures are the file's as it is now (a version raised after training counts); the
  // network, its fitted statistics and weights are the run's.
  const compiled = compileModel(model);
  if (hasErrors(compiled.diagnostics)) {
    reportDiagnostics(io, compiled.diagnostics, args);
    return ExitCode.diagnostics;
  }
  const graph: IrGraph = { ...run.graph, signatures: compiled.graph.signatures };
  const rowCount = args.rows ?? 512;
  const modelDir = join(args.out, graph.model);
  const fail = (d: Diagnostic): number => {
    reportDiagnostics(io, [d], args);
    return ExitCode.diagnostics;
  };
  let signatures: ExportedSignature[];
  try {
    signatures = exportSignatures(graph, run.weights, { producerVersion: birdVersion });
  } catch (error) {
    return fail(artifactDiagnostic(error, args.file, graph.model, source));
  }
  // Holdout rows where the run has them, else its training rows; one row with every field missing tests the defaults.
  let rows: ClientRow[];
  try {
    // Rows the data stage would reject are left out: they are only samples to compare on.
    const features = graph.features.filter((f) => f.role === 'feature');
    rows = run.config.data
      ? await clientRows(
          run.config.data,
          rowCount,
          run.config.data.kind === 'file' && run.config.data.split.kind === 'none' ? 'train' : 'test',
          { features, bad: 'skip' },
        )
      : [];
  } catch (error) {
    if (error instanceof DataError) return fail(error.diagnostic);
    throw error;
  }
  if (rows.length === 0)
    throw new UsageError(`the run's data (${JSON.stringify(run.config.data ?? null)}) gave no rows to compare the backends on`);
  rows = [...rows.slice(0, goldenCount - 1), Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, ''])), ...rows.slice(goldenCount - 1)];
  const { tf } = await loadTf(args.backend).catch((error: unknown) => {
    throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
  });
  let tfjs: Map<string, Float32Array>;
  try {
    tfjs = await tfjsOutputs(tf, graph, run.weights, rows);
  } catch (error) {
    if (error instanceof DataError) return fail(error.diagnostic);
    throw error;
  }
  const runs: { feeds: Record<string, OnnxValue>; outputs: Record<string, OnnxValue> }[] = [];
  const comparisons: OutputComparison[] = [];
  for (const s of signatures) {
    const r = await onnxOutputs(s, rows);
    runs.push(r);
    comparisons.push(...compareOutputsOf(s, r.outputs, tfjs, rows.length));
  }
  const bad = comparisons.find((c) => !c.ok);
  if (bad) return fail(mismatchDiagnostic(bad, rows.length, args.file));
  const data = await dataFingerprint(run.config.data, run.metrics['examples'] ?? 0);
  const input = (version: string): ArtifactInput => ({
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
    vectors: goldenVectors(signatures, runs, goldenCount, rows),
    hash: describeHashFunction(birdHashFunctions),
    data,
    // What the model achieved: the loss and the metrics (timings, memory and counters differ between machines and runs).
    metrics: Object.fromEntries(
      Object.entries(run.metrics).filter(([k]) => !['epoch', 'steps', 'examples', 'train_s', 'examples_per_s', 'peak_rss_mb'].includes(k)),
    ),
  });
  try {
    const latest = latestVersion(modelDir);
    const previous = latest === undefined ? undefined : readManifest(join(modelDir, latest));
    // Without --version: the signatures' highest version for a first export, else the
    // smallest version above the latest that the change allows.
    let version = args.version;
    if (version === undefined) {
      const first = signatures
        .map((s) => s.version)
        .sort(compare)
        .at(-1)!;
      const bump = previous ? diffManifests(previous, assembleArtifact(input(latest!)).manifest).bump : 'major';
      // The same model exported again is already published: nothing to write.
      if (previous && bump === 'none') {
        io.stderr(`artifacts ${graph.model} ${latest} already holds this model (nothing changed); nothing written\n`);
        if (args.json)
          io.stdout(
            JSON.stringify(
              { artifact: join(modelDir, latest!), model: graph.model, version: latest, previous: latest, bump: 'none', written: false },
              null,
              2,
            ) + '\n',
          );
        return ExitCode.ok;
      }
      version = previous ? nextVersion(latest!, bump === 'none' ? 'patch' : bump) : first;
    }
    const assembled = assembleArtifact(input(version));
    const diff = previous ? checkVersionBump(previous, assembled.manifest) : undefined;
    const dir = writeArtifact(args.out, assembled);
    const summary = {
      artifact: dir,
      model: graph.model,
      version,
      previous: latest ?? null,
      bump: diff?.bump ?? null,
      written: true,
      signatures: signatures.map((s) => ({ name: s.name, version: s.version })),
      rows: rows.length,
      comparisons,
    };
    if (args.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
    else {
      for (const c of comparisons)
        io.stderr(
          `${c.signature}.${c.output}: ONNX Runtime matches TF.js on ${rows.length} rows (max abs diff ${c.maxAbs.toExponential(2)})\n`,
        );
      io.stderr(
        `wrote ${dir}${latest ? (diff!.bump === 'none' ? ` (no change from ${latest})` : ` (a ${diff!.bump} change from ${latest})`) : ''}\n`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    return fail(artifactDiagnostic(error, modelDir, graph.model));
  }
}
