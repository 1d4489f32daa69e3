import { extname } from 'node:path';
import type { BackendName } from '../backends/tfjs/loadTf.js';
import { DataError } from '../data/dataError.js';
import { Dataset } from '../data/dataset.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type { IrGraph } from '../ir/ir.js';
import { Trainer } from '../train/trainer.js';
import { isArtifactPath } from './artifactPath.js';
import { checkFile } from './checkFile.js';
import { loadBackend } from './loadBackend.js';
import { predictArtifact, type ArtifactPredictions } from './predictArtifact.js';
import { PredictionWriter } from './predictionWriter.js';
import { failed, type Result } from './result.js';
import { readRun } from './runFolder.js';
import { selectModel, selectSignatures } from './selectModel.js';
import { UsageError } from './usageError.js';

export interface PredictOptions {
  /** A `.bird` file (with `checkpoint`: a run's weights on TF.js) or an artifact folder (its model on ONNX Runtime). */
  readonly file: string;
  /** A run folder (the checkpoint it kept, or its newest) or one checkpoint folder inside it. */
  readonly checkpoint?: string;
  /** The rows: CSV, JSONL, Parquet or Arrow, or a glob of such files; label columns are not needed. */
  readonly data: string;
  /** The predictions file, one line per row in file order: CSV or JSONL as its extension says. */
  readonly out: string;
  /** Write this signature's outputs (default: every model output; for an artifact, its first signature). */
  readonly signature?: string;
  /** Rows per batch (default 1024). */
  readonly batch?: number;
  /** The TF.js backend (a `.bird` file only). */
  readonly backend?: BackendName;
  /** Called after each batch is written, with the rows written so far. */
  readonly progress?: (rows: number) => void;
}

/** Predictions of a run: the rows written, where, the checkpoint and the outputs, in column order. */
export interface RunPredictions {
  readonly kind: 'run';
  readonly rows: number;
  readonly out: string;
  readonly checkpoint: string;
  readonly outputs: readonly string[];
}

export type Predictions = RunPredictions | ArtifactPredictions;

/**
 * `bird predict`: a trained model run on every row of a data file, writing one line per
 * row in file order, under a temporary name until the last row is written. With a `.bird`
 * file, the fitted IR and weights of a run on TF.js (the file must still declare the run's
 * model, and the signature named); with an artifact folder, its ONNX model on ONNX Runtime
 * after every check of the artifact. A bad row is its data diagnostic and nothing is
 * written. Arguments that do not go together, an `out` that is neither `.csv` nor
 * `.jsonl`, or a folder that is not a run, are a `UsageError`.
 */
export async function predict(options: PredictOptions): Promise<Result<Predictions>> {
  const format = extname(options.out) === '.csv' ? 'csv' : extname(options.out) === '.jsonl' ? 'jsonl' : undefined;
  if (!format) throw new UsageError('`--out` must end in `.csv` or `.jsonl`');
  if (isArtifactPath(options.file)) {
    if (options.checkpoint !== undefined)
      throw new UsageError('`--checkpoint` goes with a .bird file; an artifact carries its own weights');
    if (options.backend !== undefined) throw new UsageError('`--backend` chooses the TF.js backend; an artifact runs on ONNX Runtime');
    return predictArtifact({ ...options, artifact: options.file, format });
  }
  if (options.checkpoint === undefined)
    throw new UsageError('`--checkpoint RUN` is needed to predict with a .bird file (or give an artifact folder instead of the file)');
  const checked = checkFile(options.file);
  if (!checked.value) return failed(checked.diagnostics);
  const warnings = checked.diagnostics;
  // The run's own fitted IR is what was trained; the file must still declare that model.
  const { run, checkpoint, graph, saved } = readRun(options.checkpoint);
  const selected = selectModel(checked.value.source, checked.value.models, graph.model, 'only', { run });
  const model = selected.value;
  if (!model) return failed(selected.diagnostics, warnings);
  const signatures = selectSignatures(model, options.signature);
  if (!signatures.value) return failed(signatures.diagnostics, warnings);
  // The run's own signature of that name: what was trained.
  const signature = options.signature === undefined ? undefined : graph.signatures.find((s) => s.name === options.signature);
  if (options.signature !== undefined && !signature) {
    const declared = signatures.value[0]!.decl;
    return failed(
      [
        diagnostic(
          'runWithoutSignature',
          { run, model: graph.model, signature: options.signature },
          model.module.source,
          declared.name.span,
          { label: 'a signature the run does not have' },
        ),
      ],
      warnings,
    );
  }
  const outputs = signature
    ? signature.outputs.map((o) => ({ name: o.alias, node: graph.outputs.find((g) => g.name === o.name)!.node }))
    : graph.outputs.map((o) => ({ name: o.name, node: o.node }));
  const tf = await loadBackend(options.backend);
  const trainer = new Trainer(tf, graph, { epochs: 1, batch: options.batch ?? 1024, seed: 1, shuffle: 0 });
  try {
    trainer.restore(saved.tensors, saved.step);
    const out = new PredictionWriter(
      options.out,
      format,
      outputs.map((o) => o.name),
    );
    try {
      await writePredictions(trainer, graph, options, outputs, out);
    } catch (error) {
      await out.abort();
      if (error instanceof DataError) return failed([error.diagnostic], warnings);
      throw error;
    }
    const value: RunPredictions = { kind: 'run', rows: out.rows, out: options.out, checkpoint, outputs: outputs.map((o) => o.name) };
    return { value, diagnostics: warnings };
  } finally {
    trainer.program.dispose();
  }
}

/** Every row of `options.data` through the run's program, each batch's outputs written as it comes. */
async function writePredictions(
  trainer: Trainer,
  graph: IrGraph,
  options: PredictOptions,
  outputs: readonly { readonly node: number }[],
  out: PredictionWriter,
): Promise<void> {
  const dataset = new Dataset(graph, { kind: 'file', path: options.data, split: { kind: 'none' } }, undefined, 'features');
  for await (const r of trainer.predict(
    dataset.batches('train', options.batch ?? 1024),
    outputs.map((o) => o.node),
  )) {
    await out.write(
      r.size,
      r.values.map((v) => v.data),
    );
    options.progress?.(out.rows);
  }
  await out.commit();
}
