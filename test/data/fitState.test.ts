/**
 * Mergeable statistics of the fitting pre-pass (`data/fitState.ts`): states counted over
 * shards and merged give the arguments one pass over all the rows gives: exactly for
 * counts and document frequencies, within 1e-12 for moments, and within a stated
 * tolerance for quantiles once the shards hold more values than a sample keeps.
 */
import { describe, expect, test } from '@jest/globals';
import type { TransformStep } from '../../src/data/applyTransform.js';
import type { FieldValue } from '../../src/data/decodeField.js';
import { mergeStates, quantileSampleSize, stateResult, StateMismatch, type FitState } from '../../src/data/fitState.js';
import { countPass } from '../../src/data/fitTransforms.js';
import { xorshift32 } from '../../src/data/xorshift.js';

async function* rowsOf(values: readonly FieldValue[][]): AsyncGenerator<FieldValue[]> {
  for (const row of values) yield row;
}

/** The state of one step over some rows, and over shards of them merged in order. */
async function states(step: TransformStep, shards: readonly FieldValue[][][]): Promise<{ one: FitState; merged: FitState }> {
  const count = async (rows: readonly FieldValue[][]): Promise<FitState> => (await countPass([[step]], rowsOf(rows))).states[0]!;
  const parts = await Promise.all(shards.map(count));
  return { one: await count(shards.flat()), merged: parts.reduce(mergeStates) };
}

const num = (value: number): FieldValue => ({ kind: 'number', value });

describe('merged fit states', () => {
  test('moments by Chan: mean and std within 1e-12 of Welford over all rows, on values far from zero (100 + u)', async () => {
    const next = xorshift32(7);
    const shards = [1000, 1, 4999].map((n) => Array.from({ length: n }, () => [num(100 + next() / 4294967296)]));
    const step = { op: 'zscore', args: { mean: null, std: null } };
    const { one, merged } = await states(step, shards);
    const [a, b] = [stateResult(step, merged), stateResult(step, one)];
    for (const k of ['mean', 'std']) expect(Math.abs((a[k] as number) / (b[k] as number) - 1)).toBeLessThan(1e-12);
    expect((b['std'] as number) > 0.25 && (b['std'] as number) < 0.33).toBe(true);
  });

  test('counts, ties and document frequencies merge exactly', async () => {
    const words = ['a', 'b', 'c', 'd', 'a', 'b', 'e', 'e', 'e', ''];
    const shards = [0, 1, 2].map((s) => words.map((w, i) => [{ kind: 'string', value: words[(i + s) % words.length]! } as FieldValue]));
    const vocab = { op: 'vocab_lookup', args: { max: 3, oov: 1, min_count: 2, vocabulary: null } };
    const v = await states(vocab, shards);
    expect(v.merged).toEqual(v.one);
    expect(stateResult(vocab, v.merged)).toEqual({ vocabulary: ['e', 'a', 'b'] });
    const tfidf = { op: 'term_weight', args: { scheme: 'tfidf', idf: null } };
    const docs = [
      [{ kind: 'ids', ids: [3, 3, 5], values: null } as FieldValue],
      [{ kind: 'ids', ids: [0, 5], values: null } as FieldValue],
    ];
    const d = await states(tfidf, [docs, docs.slice(1), docs]);
    expect(d.merged).toEqual(d.one);
    expect(stateResult(tfidf, d.merged)['idf_ids']).toEqual([3, 5]);
    const mode = { op: 'impute', args: { strategy: 'mode', value: null } };
    const m = await states(mode, [
      [[num(2)], [num(1)]],
      [[num(1)], [num(Number.NaN)], [num(2)]],
    ]);
    expect(stateResult(mode, m.merged)).toEqual({ value: 1 });
  });

  test('samples that hold every value merge exactly; beyond the sample size, quantiles stay within 0.005 of the exact ones', async () => {
    const small = await states({ op: 'impute', args: { strategy: 'median', value: null } }, [
      [[num(5)], [num(1)]],
      [[num(3)], [num(Number.NaN)]],
    ]);
    expect(small.merged).toEqual({ kind: 'sample', seen: 3, values: [1, 3, 5] });
    const next = xorshift32(11);
    // 450,000 values from 0 to 1 in three shards of 150,000, the last skewed (squared), so shards differ.
    const shards = [0, 1, 2].map((s) =>
      Array.from({ length: 150_000 }, () => {
        const u = next() / 4294967296;
        return [num(s === 2 ? u * u : u)];
      }),
    );
    const bucketize = { op: 'bucketize', args: { bins: 10, boundaries: null } };
    const { merged } = await states(bucketize, shards);
    expect(merged.kind === 'sample' && [merged.seen, merged.values.length]).toEqual([450_000, quantileSampleSize]);
    const all = Float64Array.from(shards.flat().map((r) => (r[0] as { value: number }).value)).sort();
    const exact = Array.from({ length: 9 }, (_, i) => all[Math.floor(((i + 1) * all.length) / 10)]!);
    const boundaries = stateResult(bucketize, merged)['boundaries'] as number[];
    expect(boundaries).toHaveLength(9);
    boundaries.forEach((b, i) => expect(Math.abs(b - exact[i]!)).toBeLessThan(0.005));
    const median = stateResult({ op: 'impute', args: { strategy: 'median', value: null } }, merged)['value'] as number;
    expect(Math.abs(median - all[all.length / 2]!)).toBeLessThan(0.005);
  });

  test('a group merges column by column; a shard that saw no vector takes the other side; widths must agree', () => {
    const col = (n: number, mean: number): FitState => ({ kind: 'moments', n, mean, m2: 0 });
    const a: FitState = { kind: 'columns', columns: [col(1, 1), col(1, 2)] };
    expect(mergeStates({ kind: 'moments', n: 0, mean: 0, m2: 0 }, a)).toEqual(a);
    expect(mergeStates(a, { kind: 'columns', columns: [col(1, 3), col(3, 2)] })).toEqual({
      kind: 'columns',
      columns: [
        { kind: 'moments', n: 2, mean: 2, m2: 2 },
        { kind: 'moments', n: 4, mean: 2, m2: 0 },
      ],
    });
    expect(() => mergeStates(a, { kind: 'columns', columns: [col(1, 1)] })).toThrow(StateMismatch);
  });
});
