// One training step of a bundled model (or a .bird file, relative to the repository) on both engines, printed as JSON. Run by
// test/train/engineParity.test.ts in a child process: onnxruntime-node's outputs are typed
// arrays of the main realm, which jest's module realm refuses.
import { join } from 'node:path';
import { loadTf } from '../../../src/backends/tfjs/loadTf.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import { checkSource } from '../../../src/pipeline/checkSource.js';
import { readSources } from '../../../src/pipeline/readSources.js';
import { OnnxStep } from '../../../src/train/onnxStep.js';
import { Trainer } from '../../../src/train/trainer.js';

const root = join(import.meta.dirname, '..', '..', '..');
const { tf } = await loadTf('cpu');
const options = { epochs: 1, batch: 256, seed: 5, shuffle: 0 };
const results: Record<string, unknown> = {};
for (const name of process.argv.slice(2)) {
  const modelPath = name.endsWith('.bird') ? join(root, name) : join(root, 'models', `${name}.bird`);
  const graph = compileModel(checkSource(readSources([modelPath])[0]!).models[0]!).graph;
  const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
  const fitted = await dataset.fit();
  const engine = await OnnxStep.create(fitted, 1);
  const onTf = new Trainer(tf, fitted, options);
  const onOrt = new Trainer(tf, fitted, { ...options, engine });
  const before = onTf.parameters().map((p) => Float32Array.from(p.values));
  let losses: number[] = [];
  for await (const batch of dataset.batches('train', 256)) {
    losses = [await onTf.trainStep(batch, 0.01), await onOrt.trainStep(batch, 0.01)];
    break;
  }
  const a = onTf.parameters();
  const b = onOrt.parameters();
  const params = a.map((p, i) => {
    let update = 0;
    let diff = 0;
    p.values.forEach((v, k) => {
      update = Math.max(update, Math.abs(v - before[i]![k]!));
      diff = Math.max(diff, Math.abs(v - b[i]!.values[k]!));
    });
    return { name: p.name, other: b[i]!.name, update, diff };
  });
  results[name] = { lossTf: losses[0], lossOrt: losses[1], params };
  await engine.release();
}
process.stdout.write(JSON.stringify(results) + '\n');
