import type { AttrValue } from '../tensor/attrValue.js';
import type { FieldValue } from './decodeField.js';
import { hashBucket } from './hashBucket.js';
import { unaryScalar } from '../ops/reference/elementwise.js';
import { columnStat, zscoreScalar } from '../ops/reference/preprocess.js';
import { tokenizeText, tokenizerOptions } from '../ops/textTokens.js';

/** A transform of a feature pipeline, with its fitted statistics once the pre-pass has run. */
export interface TransformStep {
  readonly op: string;
  readonly args: Readonly<Record<string, AttrValue>>;
}

/** Transforms that need statistics of the training split before they can run. */
export const fittedOps: ReadonlySet<string> = new Set(['zscore', 'impute', 'vocab_lookup', 'bucketize', 'term_weight']);

/** A fitted statistic: one number, or one per column of a feature group. */
const isStat = (v: AttrValue | undefined): boolean => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

/** Whether a step's statistics are present (explicit `boundaries` or `vocabulary` count as fitted). */
export function isFitted(step: TransformStep): boolean {
  switch (step.op) {
    case 'zscore':
      return isStat(step.args['mean']) && isStat(step.args['std']);
    case 'impute':
      return isStat(step.args['value']);
    case 'vocab_lookup':
      return Array.isArray(step.args['vocabulary']);
    case 'bucketize':
      return Array.isArray(step.args['boundaries']);
    case 'term_weight':
      return step.args['scheme'] !== 'tfidf' || (Array.isArray(step.args['idf']) && typeof step.args['idf_default'] === 'number');
    default:
      return true;
  }
}

/** The index of the first boundary greater than x: bucket i holds `boundaries[i-1] <= x < boundaries[i]`. */
export function bucketOf(x: number, boundaries: readonly number[]): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < boundaries[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const vocabIndex = new WeakMap<readonly AttrValue[], Map<string, number>>();

/**
 * The id of a value under a fitted vocabulary, laid out like hashed ids: 0 is a missing
 * value (the empty string, or padding in a sequence), `1..oov` are the out-of-vocabulary
 * buckets (chosen by hash), and known values follow in vocabulary order.
 */
export function vocabId(value: string, vocabulary: readonly AttrValue[], oov: number): number {
  if (value === '') return 0;
  let index = vocabIndex.get(vocabulary);
  if (!index) {
    index = new Map(vocabulary.map((v, i) => [String(v), i]));
    vocabIndex.set(vocabulary, index);
  }
  const known = index.get(value);
  if (known !== undefined) return 1 + oov + known;
  return 1 + (oov === 1 ? 0 : (hashBucket(value, 30) - 1) % oov);
}

const idfIndex = new WeakMap<readonly AttrValue[], Map<number, number>>();

/**
 * A token list as a weighted bag, as `term_weight` weighs it: each position of a term that
 * appears `c` times weighs `w(c) / c` (1, `ln(1 + c) / c`, or the term's idf), so the
 * positions of a term add up to `w(c)`, the term's weight. Padding (id 0) is left out.
 */
export function termWeights(ids: readonly number[], a: Readonly<Record<string, AttrValue>>): FieldValue {
  const present = ids.filter((id) => id !== 0);
  const counts = new Map<number, number>();
  for (const id of present) counts.set(id, (counts.get(id) ?? 0) + 1);
  const scheme = a['scheme'];
  let idf: Map<number, number> | undefined;
  if (scheme === 'tfidf') {
    const keys = a['idf_ids'] as AttrValue[];
    idf = idfIndex.get(keys);
    if (!idf) {
      const values = a['idf'] as number[];
      idf = new Map(keys.map((k, i) => [Number(k), values[i]!]));
      idfIndex.set(keys, idf);
    }
  }
  const fallback = Number(a['idf_default']);
  const values = present.map((id) => {
    if (scheme === 'log') {
      const c = counts.get(id)!;
      return Math.log1p(c) / c;
    }
    return idf ? (idf.get(id) ?? fallback) : 1;
  });
  return { kind: 'ids', ids: present, values };
}

/** A numeric transform on each value of a number or a vector (a feature group: `j` is the column). */
function perColumn(v: FieldValue, f: (x: number, j: number) => number): FieldValue {
  if (v.kind === 'number') return { kind: 'number', value: f(v.value, 0) };
  if (v.kind === 'vector') return { kind: 'vector', values: v.values.map(f) };
  return v;
}

/** Applies one (fitted) transform to one example's value; the numeric ones by the ops' reference semantics (`src/ops/reference/`). */
export function applyTransform(step: TransformStep, v: FieldValue): FieldValue {
  const a = step.args;
  switch (step.op) {
    case 'log1p':
      return perColumn(v, (x) => unaryScalar.log1p(x));
    case 'clip':
      return perColumn(v, (x) => unaryScalar.clip(x, a));
    case 'zscore':
      return perColumn(v, (x, j) => zscoreScalar(x, a, j));
    case 'impute': {
      const values = v.kind === 'number' ? [v.value] : v.kind === 'vector' ? v.values : null;
      if (!values) return v;
      const filled = values.map((x, j) => (Number.isNaN(x) ? columnStat(a['value'], j) : x));
      // With `indicator`, one column per value follows the values: 1 where it was missing.
      const all = a['indicator'] === true ? [...filled, ...values.map((x) => (Number.isNaN(x) ? 1 : 0))] : filled;
      return v.kind === 'number' && all.length === 1 ? { kind: 'number', value: all[0]! } : { kind: 'vector', values: all };
    }
    case 'bucketize':
      return v.kind === 'number' ? { kind: 'number', value: bucketOf(v.value, a['boundaries'] as number[]) } : v;
    case 'hash_bucket': {
      const bits = Number(a['bits']);
      if (v.kind === 'string') return { kind: 'number', value: hashBucket(v.value, bits) };
      if (v.kind === 'keys') return { kind: 'ids', ids: v.keys.map((k) => hashBucket(k, bits)), values: v.values };
      if (v.kind === 'tokens') return { kind: 'ids', ids: v.tokens.map((k) => hashBucket(k, bits)), values: null };
      return v;
    }
    case 'vocab_lookup': {
      const vocabulary = a['vocabulary'] as AttrValue[];
      const oov = Number(a['oov']);
      if (v.kind === 'string') return { kind: 'number', value: vocabId(v.value, vocabulary, oov) };
      if (v.kind === 'tokens') return { kind: 'ids', ids: v.tokens.map((t) => vocabId(t, vocabulary, oov)), values: null };
      return v;
    }
    case 'term_weight':
      return v.kind === 'ids' ? termWeights(v.ids, a) : v;
    case 'tokenize':
      return v.kind === 'string' ? { kind: 'tokens', tokens: tokenizeText(v.value, tokenizerOptions(a)) } : v;
    default:
      return v;
  }
}
