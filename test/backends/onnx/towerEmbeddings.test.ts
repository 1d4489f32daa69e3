import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { OnnxSession } from '../../../src/backends/onnx/runOnnx.js';
import { signatureFeeds } from '../../../src/data/signatureFeeds.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { fittedModel, randomWeights, tolerance } from './onnxTestHelpers.js';

/** Stated tolerance of the score's logit against the dot product of the two exported towers (float32). */
const logitTolerance = { abs: 1e-4, rel: 1e-4 } as const;

const sample = join(repoRoot, 'models', 'data', 'movielens_sample.csv.gz');

describe('models/movielens.bird: the tower signatures are consistent with the score', () => {
  test.each(['score', 'user_embedding', 'item_embedding'])(
    `%s: ONNX Runtime on raw rows agrees with the data stage and TF.js within ${tolerance.abs} abs + ${tolerance.rel} rel`,
    async (signature) => {
      const { graph } = await fittedModel('movielens.bird');
      const rows = await firstRows(sample, 200);
      const parity = await modelParity(graph, rows, 6, signature);
      expect(parity.onnx.length).toBe(parity.tf.length);
      expect(parity.onnx.length).toBeGreaterThanOrEqual(rows.length);
      expectParity(parity, `over ${rows.length} rows`);
    },
    60_000,
  );

  test(`logit(score) = user_embedding . item_embedding on real rows within ${logitTolerance.abs} abs + ${logitTolerance.rel} rel`, async () => {
    const { graph } = await fittedModel('movielens.bird');
    const signatures = exportSignatures(graph, randomWeights(graph, 4, 0.2));
    const byName = new Map(signatures.map((s) => [s.name, s]));
    // Each tower takes only its own side's features: a user vector is computed once per user, an item vector once per movie.
    expect(byName.get('user_embedding')!.inputs.map((i) => i.feature)).toEqual(['userId']);
    expect(new Set(byName.get('item_embedding')!.inputs.map((i) => i.feature))).toEqual(new Set(['movieId', 'genres', 'year', 'title']));

    const rows = await firstRows(sample, 300);
    const run = async (name: string): Promise<{ data: Float32Array; dims: readonly number[] }> => {
      const sig = byName.get(name)!;
      const session = await OnnxSession.load(sig.onnx);
      const out = (await session.run(signatureFeeds(sig.inputs, rows)))[sig.outputs[0]!.name]!;
      await session.release();
      return { data: out.data as Float32Array, dims: out.dims };
    };
    const p = await run('score');
    const u = await run('user_embedding');
    const v = await run('item_embedding');
    expect(u.dims).toEqual(v.dims);
    expect(p.dims).toEqual([rows.length, 1]);
    const dim = u.dims[1]!;

    let compared = 0;
    let spread = 0;
    for (let r = 0; r < rows.length; r++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += u.data[r * dim + k]! * v.data[r * dim + k]!;
      const pr = p.data[r]!;
      // Near 0 or 1 a float32 probability no longer pins its logit down.
      if (pr < 1e-3 || pr > 1 - 1e-3) continue;
      const logit = Math.log(pr / (1 - pr));
      const excess = Math.abs(logit - dot) - (logitTolerance.abs + logitTolerance.rel * Math.abs(dot));
      if (excess > 0) throw new Error(`row ${r + 1}: logit(score) ${logit} but the towers' dot product is ${dot}`);
      compared++;
      spread = Math.max(spread, Math.abs(dot));
    }
    // The comparison covers most rows, and logits far enough from 0 to tell a dot product from a constant.
    expect(compared).toBeGreaterThan(rows.length * 0.9);
    expect(spread).toBeGreaterThan(0.5);
  }, 60_000);
});
