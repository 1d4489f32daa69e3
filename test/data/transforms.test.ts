import { describe, expect, test } from '@jest/globals';
import { applyTransform, bucketOf, vocabId } from '../../src/data/applyTransform.js';
import { tokenizeText, tokenizerOptions } from '../../src/ops/textTokens.js';
import type { FieldValue } from '../../src/data/decodeField.js';
import { fitTransforms } from '../../src/data/fitTransforms.js';
import { hashBucket } from '../../src/data/hashBucket.js';

const num = (value: number): FieldValue => ({ kind: 'number', value });
const str = (value: string): FieldValue => ({ kind: 'string', value });

async function* rowsOf(rows: FieldValue[][]): AsyncGenerator<FieldValue[]> {
  for (const r of rows) yield r;
}

describe('fitted transforms', () => {
  test('zscore after log1p: mean and population std of log1p(x), as the peers compute them', async () => {
    const xs = [0, 1, 10, 100, 1000, 2176, 215];
    const [pipeline] = await fitTransforms(
      [
        [
          { op: 'log1p', args: {} },
          { op: 'zscore', args: { mean: null, std: null } },
        ],
      ],
      () => rowsOf(xs.map((x) => [num(x)])),
    );
    const logs = xs.map(Math.log1p);
    const mean = logs.reduce((p, q) => p + q, 0) / logs.length;
    const std = Math.sqrt(logs.reduce((p, q) => p + (q - mean) ** 2, 0) / logs.length);
    expect(pipeline![1]!.args['mean']).toBeCloseTo(mean, 12);
    expect(pipeline![1]!.args['std']).toBeCloseTo(std, 12);
    const z = applyTransform(pipeline![1]!, applyTransform(pipeline![0]!, num(100)));
    expect(z.kind).toBe('number');
    expect((z as { value: number }).value).toBeCloseTo((Math.log1p(100) - mean) / std, 12);
  });

  test('vocabulary: most frequent first, ties by value, min_count and max respected', async () => {
    const values = ['b', 'a', 'c', 'a', 'b', 'd', 'a', 'c', 'b', '', 'e'];
    const [pipeline] = await fitTransforms([[{ op: 'vocab_lookup', args: { max: 3, oov: 1, min_count: 2, vocabulary: null } }]], () =>
      rowsOf(values.map((v) => [str(v)])),
    );
    const step = pipeline![0]!;
    expect(step.args['vocabulary']).toEqual(['a', 'b', 'c']);
    expect(applyTransform(step, str('a'))).toEqual(num(2));
    expect(applyTransform(step, str('c'))).toEqual(num(4));
    expect(applyTransform(step, str('zzz'))).toEqual(num(1));
    expect(applyTransform(step, str(''))).toEqual(num(0));
  });

  test('a shared vocabulary is counted over every feature that names it, and each gets the same list', async () => {
    // Alone, `a` ranks first in column 0 and `x` in column 1; shared, `x` (4 in all) beats `a` (3).
    const rows = [
      ['a', 'x'],
      ['a', 'x'],
      ['a', 'x'],
      ['b', 'x'],
      ['', 'b'],
    ];
    const vocab = (shared: string | null) => ({ op: 'vocab_lookup', args: { max: 2, oov: 1, min_count: 1, vocabulary: null, shared } });
    const [left, right, alone] = await fitTransforms([[vocab('words')], [vocab('words')], [vocab(null)]], () =>
      rowsOf(rows.map(([l, r]) => [str(l!), str(r!), str(l!)])),
    );
    expect(left![0]!.args['vocabulary']).toEqual(['x', 'a']);
    expect(right![0]!.args['vocabulary']).toEqual(['x', 'a']);
    expect(alone![0]!.args['vocabulary']).toEqual(['a', 'b']);
    expect(applyTransform(left![0]!, str('x'))).toEqual(applyTransform(right![0]!, str('x')));
  });

  test('several oov buckets spread unknown values by hash, never onto 0 or the vocabulary', () => {
    for (const v of ['x', 'y', 'zz', '🐦']) {
      const id = vocabId(v, ['a'], 4);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(4);
    }
  });

  test('quantile buckets: boundaries split the sample evenly and lookups follow them', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const [pipeline] = await fitTransforms([[{ op: 'bucketize', args: { bins: 4, boundaries: null } }]], () =>
      rowsOf(xs.map((x) => [num(x)])),
    );
    expect(pipeline![0]!.args['boundaries']).toEqual([250, 500, 750]);
    expect([0, 249, 250, 999].map((x) => bucketOf(x, [250, 500, 750]))).toEqual([0, 0, 1, 3]);
  });

  test('two fitted transforms in one pipeline take two passes', async () => {
    let passes = 0;
    const rows = (): AsyncIterable<FieldValue[]> => {
      passes++;
      return rowsOf([1, 2, 3, 4].map((x) => [num(x)]));
    };
    const [p] = await fitTransforms(
      [
        [
          { op: 'zscore', args: { mean: null, std: null } },
          { op: 'bucketize', args: { bins: 2, boundaries: null } },
        ],
      ],
      rows,
    );
    expect(passes).toBe(2);
    expect(p![0]!.args['mean']).toBe(2.5);
    expect(p![1]!.args['boundaries']).toHaveLength(1);
  });
});

describe('string transforms', () => {
  test('hash ids for strings, keys and tokens; tokens are lowercased words cut to max', () => {
    expect(applyTransform({ op: 'hash_bucket', args: { bits: 10 } }, str('LAS'))).toEqual(num(hashBucket('LAS', 10)));
    expect(applyTransform({ op: 'hash_bucket', args: { bits: 10 } }, { kind: 'keys', keys: ['a', 'b'], values: [0.5, 2] })).toEqual({
      kind: 'ids',
      ids: [hashBucket('a', 10), hashBucket('b', 10)],
      values: [0.5, 2],
    });
    expect(tokenizeText('Make America GREAT again! #MAGA @user', tokenizerOptions({ max: 4 }))).toEqual([
      'make',
      'america',
      'great',
      'again',
    ]);
    expect(applyTransform({ op: 'tokenize', args: { max: 10, lower: false } }, str('Hi there'))).toEqual({
      kind: 'tokens',
      tokens: ['Hi', 'there'],
    });
  });
});
