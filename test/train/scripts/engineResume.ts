// A checkpoint written on one engine resumed on the other, printed as JSON. Run by
// test/train/engineResume.test.ts in a child process (onnxruntime-node's outputs are typed
// arrays of the main realm, which jest's module realm refuses).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTf } from '../../../src/backends/tfjs/loadTf.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import type { Batch } from '../../../src/ir/batch.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import { checkSource } from '../../../src/pipeline/checkSource.js';
import { readSources } from '../../../src/pipeline/readSources.js';
import { checkpointFiles, readCheckpoint } from '../../../src/train/checkpoint.js';
import { OnnxStep } from '../../../src/train/onnxStep.js';
import { Trainer } from '../../../src/train/trainer.js';

const root = join(import.meta.dirname, '..', '..', '..');
const { tf } = await loadTf('cpu');
const options = { epochs: 1, batch: 128, seed: 5, shuffle: 0 };
const results: Record<string, unknown> = {};
const scratch = mkdtempSync(join(tmpdir(), 'bird-engine-resume-'));
try {
  for (const name of process.argv.slice(2)) {
    const modelPath = join(root, 'models', `${name}.bird`);
    const graph = compileModel(checkSource(readSources([modelPath])[0]!).models[0]!).graph;
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
    const fitted = await dataset.fit();
    const batches: Batch[] = [];
    for await (const b of dataset.batches('train', 128)) if (batches.push(b) === 3) break;
    const engine = await OnnxStep.create(fitted, 1);
    const make = (on: string): Trainer => new Trainer(tf, fitted, on === 'onnxruntime' ? { ...options, engine } : options);
    const maxDiff = (a: Trainer, b: Trainer): number => {
      const pb = b.parameters();
      let worst = 0;
      a.parameters().forEach((p, i) => p.values.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - pb[i]!.values[k]!)))));
      return worst;
    };
    for (const [first, then] of [
      ['tfjs', 'onnxruntime'],
      ['onnxruntime', 'tfjs'],
    ] as const) {
      // Two steps on `first`, checkpointed to disk; the third step on `then` after reading it
      // back, against the third step of a run that trained all three on `then`.
      const before = make(first);
      for (const b of batches.slice(0, 2)) await before.trainStep(b, 0.01);
      const dir = join(scratch, `${name}-${first}`);
      rmSync(dir, { recursive: true, force: true });
      const files = checkpointFiles(before, { epoch: 1, model: name });
      mkdirSync(dir, { recursive: true });
      for (const [file, data] of Object.entries(files)) writeFileSync(join(dir, file), data);
      const saved = readCheckpoint(dir);
      const resumed = make(then);
      resumed.restore(saved.tensors, saved.step);
      const straight = make(then);
      for (const b of batches.slice(0, 2)) await straight.trainStep(b, 0.01);
      const checkpointGap = maxDiff(resumed, straight);
      const lossResumed = await resumed.trainStep(batches[2]!, 0.01);
      const lossStraight = await straight.trainStep(batches[2]!, 0.01);
      results[`${name}: ${first} then ${then}`] = {
        step: resumed.globalStep,
        checkpointGap,
        lossResumed,
        lossStraight,
        paramGap: maxDiff(resumed, straight),
      };
    }
    await engine.release();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(results) + '\n');
