/** @jest-environment ./test/backends/onnx/ortEnvironment.cjs */
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { firstRows, modelParity } from './modelParity.js';
import { fittedModel, randomWeights, tolerance } from './onnxTestHelpers.js';

const sample = join(repoRoot, 'models', 'data', 'tweets_sample.jsonl.gz');

describe('models/timelines.bird and models/cortex.bird: raw tweets through ONNX agree with the data stage and TF.js', () => {
  test.each([
    ['timelines.bird', 'serve'],
    ['cortex.bird', 'serve'],
    ['cortex.bird', 'embed'],
  ])(`%s, signature %s: within ${tolerance.abs} abs + ${tolerance.rel} rel, with missing sources and replies and empty texts`, async (file, signature) => {
    const { graph } = await fittedModel(file);
    const rows = (await firstRows(sample, 200)).map((r, i) => ({
      ...r,
      ...(i % 7 === 3 ? { text: '' } : {}),
      ...(i % 11 === 4 ? { source: '', in_reply_to_user_id_str: '12345' } : {}),
      ...(i % 13 === 5 ? { source: 'a client never seen' } : {}),
    }));
    const { maxAbs, worst, at, onnx, tf } = await modelParity(graph, rows, 9, signature);
    expect(onnx.length).toBe(tf.length);
    expect(onnx.length).toBeGreaterThanOrEqual(rows.length);
    expect(Math.max(...tf) - Math.min(...tf)).toBeGreaterThan(0.01);
    if (worst > 0) throw new Error(`max abs diff ${maxAbs} exceeds the tolerance at value ${at}: onnx ${onnx[at]} vs tf ${tf[at]}`);
  }, 60_000);

  test('the embed signature of cortex.bird takes the text alone', async () => {
    const { graph } = await fittedModel('cortex.bird');
    const embed = exportSignatures(graph, randomWeights(graph, 2), { only: ['embed'] })[0]!;
    expect(embed.inputs.map((i) => i.feature)).toEqual(['text']);
    expect(embed.outputs.map((o) => o.output)).toEqual(['tweet_embedding']);
  });
});
