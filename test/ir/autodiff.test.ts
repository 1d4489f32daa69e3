import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf, type Tf } from '../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../src/backends/tfjs/program.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { buildTrainStep } from '../../src/ir/autodiff.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { verifyIr } from '../../src/ir/verify.js';
import { dropoutMasks, dropoutNodes } from '../../src/train/dropoutMasks.js';
import { lossGradients } from '../../src/train/lossGradients.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTf('cpu')).tf;
});

/** Largest |a - b| relative to the largest |b| of the tensor (plus a floor for all-zero gradients). */
function relativeError(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const x of b) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  return worst;
}

// Every bundled model's step graph, run on TF.js, against TF.js's own gradients of its
// forward pass (tf.valueAndGrads) on a batch of its sample: the same loss, and every
// gradient (dense parameters and embedded rows) within 1e-4 of its largest element.
// timelines.bird's dropouts are the step graph's mask inputs, fed the trainer's masks on both runs.
describe.each(['flights', 'flights_best', 'movielens', 'cortex', 'timelines', 'credit', 'tweet_text'])(
  'the training step of models/%s.bird',
  (name) => {
    test('verifies, and its loss and gradients match TF.js gradients of the forward pass', async () => {
      const modelPath = join(repoRoot, 'models', `${name}.bird`);
      const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
      const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
      const fitted = await dataset.fit();
      const step = buildTrainStep(fitted);
      expect(verifyIr(step.graph, { inlined: true })).toEqual([]);
      const program = new TfProgram(tf, step.graph, 3);
      for await (const batch of dataset.batches('train', 64)) {
        const drawn = dropoutMasks(fitted, dropoutNodes(fitted), batch.size, 3, 1);
        expect(drawn.length).toBe(name === 'timelines' ? 2 : 0);
        const masks = step.masks.map((m) => ({ ...drawn.find((d) => d.node === m.dropout)!, node: m.node }));
        const embedded = step.gradients.filter((g) => g.kind === 'embedded');
        const dense = step.gradients.filter((g) => g.kind === 'param');
        const lookups = tf.tidy(() => {
          const values = program.forward(
            batch,
            embedded.map((g) => g.wrt),
          );
          return embedded.map((g) => {
            const t = values.get(g.wrt)!;
            return { node: g.wrt, values: t.dataSync() as Float32Array, shape: t.shape };
          });
        });
        // The masks ride as lookups (after the real ones): fed values the loss is differentiated against.
        const reference = lossGradients(
          tf,
          program,
          batch,
          step.loss,
          [...lookups, ...masks],
          dense.map((g) => ({ node: g.wrt, variable: program.variables.get(g.wrt)! as tfTypes.Tensor })),
        );
        const ours = tf.tidy(() => {
          const overrides = new Map([...lookups, ...masks].map((l) => [l.node, tf.tensor(l.values, [...l.shape])] as const));
          const values = program.forward(batch, [step.loss, ...step.gradients.map((g) => g.node)], { training: true, overrides });
          return {
            loss: values.get(step.loss)!.dataSync()[0]!,
            grads: step.gradients.map((g) => values.get(g.node)!.dataSync() as Float32Array),
          };
        });
        expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5 * Math.max(1, reference.loss));
        const errors = Object.fromEntries(
          step.gradients.map((g, i) => [
            g.name,
            relativeError(
              ours.grads[i]!,
              g.kind === 'embedded' ? reference.embedded[embedded.indexOf(g)]! : reference.dense[dense.indexOf(g)]!,
            ),
          ]),
        );
        for (const [k, e] of Object.entries(errors))
          expect({ gradient: k, error: e < 1e-4 ? 'ok' : e }).toEqual({ gradient: k, error: 'ok' });
        break;
      }
      program.dispose();
    });
  },
);
