import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { fittedModel, randomWeights, tolerance } from './onnxTestHelpers.js';

const sample = join(repoRoot, 'models', 'data', 'tweets_sample.jsonl.gz');

describe('models/timelines.bird and models/cortex.bird: raw tweets through ONNX agree with the data stage and TF.js', () => {
  test.each([
    ['timelines.bird', 'serve'],
    ['cortex.bird', 'serve'],
    ['cortex.bird', 'embed'],
  ])(
    `%s, signature %s: within ${tolerance.abs} abs + ${tolerance.rel} rel, with missing sources and replies and empty texts`,
    async (file, signature) => {
      const { graph } = await fittedModel(file);
      const rows = (await firstRows(sample, 200)).map((r, i) => ({
        ...r,
        ...(i % 7 === 3 ? { text: '' } : {}),
        ...(i % 11 === 4 ? { source: '', in_reply_to_user_id_str: '12345' } : {}),
        ...(i % 13 === 5 ? { source: 'a client never seen' } : {}),
      }));
      const parity = await modelParity(graph, rows, 9, signature);
      expect(parity.onnx.length).toBe(parity.tf.length);
      expect(parity.onnx.length).toBeGreaterThanOrEqual(rows.length);
      expectParity(parity, `over ${rows.length} rows`);
    },
    60_000,
  );

  test('the embed signature of cortex.bird takes the text alone', async () => {
    const { graph } = await fittedModel('cortex.bird');
    const embed = exportSignatures(graph, randomWeights(graph, 2), { only: ['embed'] })[0]!;
    expect(embed.inputs.map((i) => i.feature)).toEqual(['text']);
    expect(embed.outputs.map((o) => o.output)).toEqual(['tweet_embedding']);
  });
});
