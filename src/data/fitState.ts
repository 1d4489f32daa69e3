import type { AttrValue } from '../tensor/attrValue.js';
import type { TransformStep } from './applyTransform.js';
import { xorshift32 } from './xorshift.js';

/** At most this many values are kept per feature to place quantile boundaries. */
export const quantileSampleSize = 200_000;

/**
 * What the fitting pre-pass has counted for one fitted transform, as plain JSON, so that
 * shards can be counted apart (`bird fit`) and merged. Every kind but `sample` merges
 * exactly: the merged state is the one a single pass over all the rows would have counted
 * (`moments` up to rounding: Chan's parallel update instead of Welford's).
 */
export type FitState =
  /** `zscore` and `impute("mean")`: count, mean and sum of squared deviations of the values present. */
  | { readonly kind: 'moments'; readonly n: number; readonly mean: number; readonly m2: number }
  /** `vocab`: how often each value was seen, by value. */
  | { readonly kind: 'counts'; readonly counts: readonly (readonly [string, number])[] }
  /** `impute("most_frequent")`: how often each number was seen. */
  | { readonly kind: 'numberCounts'; readonly counts: readonly (readonly [number, number])[] }
  /** `bucketize` and `impute("median")`: a uniform sample (sorted) of `min(seen, quantileSampleSize)` of the `seen` values. */
  | { readonly kind: 'sample'; readonly seen: number; readonly values: readonly number[] }
  /** `term_weight("tfidf")`: rows seen, and in how many of them each id occurs. */
  | { readonly kind: 'documents'; readonly rows: number; readonly df: readonly (readonly [number, number])[] }
  /** A feature group (a vector): one state per column. */
  | { readonly kind: 'columns'; readonly columns: readonly FitState[] };

/** A state that has seen no value (a shard where a group's column never came up is merged as if absent). */
function isEmpty(s: FitState): boolean {
  switch (s.kind) {
    case 'moments':
      return s.n === 0;
    case 'sample':
      return s.seen === 0;
    case 'counts':
    case 'numberCounts':
      return s.counts.length === 0;
    case 'documents':
      return false;
    case 'columns':
      return s.columns.length === 0;
  }
}

/** Two states of one transform's statistics that cannot be merged (another kind, or groups of different widths). */
export class StateMismatch extends Error {
  override readonly name = 'StateMismatch';
}

const byKey = <K extends string | number>(a: readonly [K, number], b: readonly [K, number]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

function sumCounts<K extends string | number>(
  a: readonly (readonly [K, number])[],
  b: readonly (readonly [K, number])[],
): (readonly [K, number])[] {
  const sum = new Map<K, number>(a);
  for (const [k, c] of b) sum.set(k, (sum.get(k) ?? 0) + c);
  return [...sum].sort(byKey);
}

/**
 * Two uniform samples merged into one uniform sample of the union, of
 * `min(quantileSampleSize, seen)` values: each value drawn comes from `a` with probability
 * proportional to the values `a` saw and has not yet given (draws without replacement from
 * the `a.seen + b.seen` values, hypergeometric), then is a value of that sample not yet
 * taken, chosen by a fixed-seed generator so a merge repeats exactly. When both samples hold
 * every value they saw and the union fits, every value is kept: the merge is exact.
 */
function mergeSamples(a: { seen: number; values: readonly number[] }, b: { seen: number; values: readonly number[] }): FitState {
  const seen = a.seen + b.seen;
  const size = Math.min(quantileSampleSize, seen);
  if (a.values.length + b.values.length <= size) return { kind: 'sample', seen, values: [...a.values, ...b.values].sort((p, q) => p - q) };
  const next = xorshift32(0x9e3779b9);
  const uniform = (): number => next() / 4294967296;
  const pools = [Array.from(a.values), Array.from(b.values)];
  const left = [a.seen, b.seen];
  const values: number[] = [];
  while (values.length < size) {
    const k = uniform() * (left[0]! + left[1]!) < left[0]! ? 0 : 1;
    left[k]!--;
    const pool = pools[k]!;
    // A sample holds min(quantileSampleSize, seen) values, so it never runs out before its share does.
    const j = Math.floor(uniform() * pool.length);
    values.push(pool[j]!);
    pool[j] = pool[pool.length - 1]!;
    pool.pop();
  }
  return { kind: 'sample', seen, values: values.sort((p, q) => p - q) };
}

/**
 * The state of the rows of two shards from theirs. Counts, document frequencies and
 * moments merge exactly; samples as `mergeSamples` says. Throws `StateMismatch` for states
 * of different kinds or widths.
 */
export function mergeStates(a: FitState, b: FitState): FitState {
  if (a.kind !== b.kind) {
    if (isEmpty(b)) return a;
    if (isEmpty(a)) return b;
    throw new StateMismatch(`statistics of kind \`${a.kind}\` and \`${b.kind}\``);
  }
  switch (a.kind) {
    case 'moments': {
      const o = b as typeof a;
      const n = a.n + o.n;
      if (n === 0) return a;
      // Chan et al.'s parallel update: the combined mean and sum of squared deviations.
      const d = o.mean - a.mean;
      return { kind: 'moments', n, mean: a.mean + (d * o.n) / n, m2: a.m2 + o.m2 + (d * d * a.n * o.n) / n };
    }
    case 'counts':
      return { kind: 'counts', counts: sumCounts(a.counts, (b as typeof a).counts) };
    case 'numberCounts':
      return { kind: 'numberCounts', counts: sumCounts(a.counts, (b as typeof a).counts) };
    case 'sample':
      return mergeSamples(a, b as typeof a);
    case 'documents': {
      const o = b as typeof a;
      return { kind: 'documents', rows: a.rows + o.rows, df: sumCounts(a.df, o.df) };
    }
    case 'columns': {
      const o = b as typeof a;
      if (isEmpty(o)) return a;
      if (isEmpty(a)) return o;
      if (a.columns.length !== o.columns.length) throw new StateMismatch(`groups of ${a.columns.length} and ${o.columns.length} columns`);
      return { kind: 'columns', columns: a.columns.map((c, j) => mergeStates(c, o.columns[j]!)) };
    }
  }
}

/** Quantile boundaries of a sorted sample: at most `bins - 1`, strictly increasing. */
function boundaries(sorted: readonly number[], bins: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))];
    if (q !== undefined && (out.length === 0 || q > out[out.length - 1]!)) out.push(q);
  }
  return out;
}

/**
 * The fitted arguments of a step from its state (what the transform reads at run time):
 * - `zscore`: mean and standard deviation (a constant column is left centred and unscaled);
 * - `vocab`: the `max` values seen at least `min_count` times, most frequent first, ties by value;
 * - `bucketize`: the quantile boundaries of the sample;
 * - `impute`: the mean, the sample's median (the mean of the two middle values for an even
 *   count), or the most frequent value (ties to the smallest); 0 when no value was present;
 * - `term_weight("tfidf")`: `ln((1 + n) / (1 + df)) + 1` for a term found in `df` of the `n`
 *   rows (smoothed, as if one more row held every term), and `ln(1 + n) + 1` for a term
 *   never seen, ids in order.
 * A group's state gives each statistic as a list in column order.
 */
export function stateResult(step: TransformStep, state: FitState): Record<string, AttrValue> {
  const args = step.args;
  if (state.kind === 'columns') {
    const results = state.columns.map((c) => stateResult(step, c));
    return Object.fromEntries(Object.keys(results[0] ?? {}).map((k) => [k, results.map((r) => r[k]!)]));
  }
  switch (step.op) {
    case 'zscore': {
      const m = state.kind === 'moments' ? state : { n: 0, mean: 0, m2: 0 };
      const std = m.n > 0 ? Math.sqrt(m.m2 / m.n) : 0;
      return { mean: m.mean, std: std > 0 ? std : 1 };
    }
    case 'vocab_lookup': {
      const counts = state.kind === 'counts' ? state.counts : [];
      const minCount = Number(args['min_count'] ?? 1);
      const vocabulary = counts
        .filter(([, c]) => c >= minCount)
        .sort((a, b) => b[1] - a[1] || byKey(a, b))
        .slice(0, Number(args['max']))
        .map(([v]) => v);
      return { vocabulary };
    }
    case 'term_weight': {
      const d = state.kind === 'documents' ? state : { rows: 0, df: [] };
      const df = [...d.df].sort(byKey);
      return {
        idf_ids: df.map(([id]) => id),
        idf: df.map(([, c]) => Math.log((1 + d.rows) / (1 + c)) + 1),
        idf_default: Math.log(1 + d.rows) + 1,
      };
    }
    case 'impute': {
      if (state.kind === 'moments') return { value: state.n > 0 ? state.mean : 0 };
      if (state.kind === 'sample') {
        const s = state.values;
        const h = s.length >> 1;
        return { value: s.length === 0 ? 0 : s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2 };
      }
      let best = 0;
      let bestCount = 0;
      if (state.kind === 'numberCounts')
        for (const [x, c] of state.counts) if (c > bestCount || (c === bestCount && x < best)) [best, bestCount] = [x, c];
      return { value: best };
    }
    default:
      return { boundaries: boundaries(state.kind === 'sample' ? state.values : [], Number(args['bins'])) };
  }
}
