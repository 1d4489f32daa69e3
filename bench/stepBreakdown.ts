/**
 * Where a training step's time goes, per engine: a model (the flights model unless given)
 * trained in this process for up to `steps` batches of `batch` (1024 unless given) on the
 * given data (read and encoded first, untimed),
 * with the trainer's own timings: the batch (`data`: taking it from the encoded part), the
 * gathers of the sparse tables, the engine's loss and gradients, the sparse scatter and
 * updates, and the dense optimizer; milliseconds per step.
 */
import { join } from 'node:path';
import { loadTf } from '../src/backends/tfjs/loadTf.js';
import { checkSource } from '../src/pipeline/checkSource.js';
import { readSources } from '../src/pipeline/readSources.js';
import { Dataset, dataSource } from '../src/data/dataset.js';
import { compileModel } from '../src/ir/compileModel.js';
import { OnnxStep } from '../src/train/onnxStep.js';
import { Trainer } from '../src/train/trainer.js';
import { availableParallelism } from 'node:os';
import { root } from './peerRuns.js';

export async function stepBreakdown(
  data: string,
  engines: readonly string[],
  steps: number,
  modelPath = join(root, 'models', 'flights.bird'),
  batch = 1024,
): Promise<Record<string, unknown>[]> {
  const graph = compileModel(checkSource(readSources([modelPath])[0]!).models[0]!).graph;
  const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath, data)!);
  const fitted = await dataset.fit();
  const part = await dataset.encode('train');
  const { tf, backend } = await loadTf();
  const out: Record<string, unknown>[] = [];
  for (const engine of engines) {
    const step = engine === 'onnxruntime' ? await OnnxStep.create(fitted, availableParallelism()) : undefined;
    const trainer = new Trainer(tf, fitted, { epochs: 1, batch, seed: 1, shuffle: 0, ...(step ? { engine: step } : {}) });
    let dataMs = 0;
    let n = 0;
    const started = performance.now();
    let t = performance.now();
    for (const b of part.batches(batch, undefined, 0)) {
      dataMs += performance.now() - t;
      await trainer.trainStep(b, 1e-3);
      if (++n >= steps) break;
      t = performance.now();
    }
    const total = performance.now() - started;
    const per = (ms: number): number => Number((ms / n).toFixed(2));
    const tm = trainer.timings;
    out.push({
      impl: 'bird',
      engine,
      backend: engine === 'tfjs' ? backend : 'onnxruntime',
      steps: n,
      step_ms: per(total),
      data_ms: per(dataMs),
      gather_ms: per(tm.gather),
      engine_ms: per(tm.gradients),
      sparse_ms: per(tm.sparse),
      scatter_ms: per(tm.scatter),
      dense_optimizer_ms: per(tm.dense),
    });
    trainer.program.dispose();
    await step?.release();
  }
  return out;
}
