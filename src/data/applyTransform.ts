import type { AttrValue } from '../tensor/attrValue.js';
import type { FieldValue } from './decodeField.js';
import { hashBucket } from './hashBucket.js';
import { unaryScalar } from '../ops/reference/elementwise.js';
import { zscoreScalar } from '../ops/reference/preprocess.js';

/** A transform of a feature pipeline, with its fitted statistics once the pre-pass has run. */
export interface TransformStep {
  readonly op: string;
  readonly args: Readonly<Record<string, AttrValue>>;
}

/** Transforms that need statistics of the training split before they can run. */
export const fittedOps: ReadonlySet<string> = new Set(['zscore', 'impute', 'vocab_lookup', 'bucketize']);

/** Whether a step's statistics are present (explicit `boundaries` or `vocabulary` count as fitted). */
export function isFitted(step: TransformStep): boolean {
  switch (step.op) {
    case 'zscore':
      return typeof step.args['mean'] === 'number' && typeof step.args['std'] === 'number';
    case 'impute':
      return typeof step.args['value'] === 'number';
    case 'vocab_lookup':
      return Array.isArray(step.args['vocabulary']);
    case 'bucketize':
      return Array.isArray(step.args['boundaries']);
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

/** Splits text into lowercased word tokens, as `tokens(max: n)` does, cut to `max`. */
export function tokenize(text: string, max: number, lower: boolean): string[] {
  const words = (lower ? text.toLowerCase() : text).match(/[\p{L}\p{N}_#@']+/gu) ?? [];
  return words.slice(0, max);
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

/** Applies one (fitted) transform to one example's value; the numeric ones by the ops' reference semantics (`src/ops/reference/`). */
export function applyTransform(step: TransformStep, v: FieldValue): FieldValue {
  const a = step.args;
  switch (step.op) {
    case 'log1p':
      return v.kind === 'number' ? { kind: 'number', value: unaryScalar.log1p(v.value) } : v;
    case 'clip':
      return v.kind === 'number' ? { kind: 'number', value: unaryScalar.clip(v.value, a) } : v;
    case 'zscore':
      return v.kind === 'number' ? { kind: 'number', value: zscoreScalar(v.value, a) } : v;
    case 'impute': {
      if (v.kind !== 'number') return v;
      const missing = Number.isNaN(v.value);
      const value = missing ? Number(a['value']) : v.value;
      return a['indicator'] === true ? { kind: 'vector', values: [value, missing ? 1 : 0] } : { kind: 'number', value };
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
    case 'tokenize':
      return v.kind === 'string' ? { kind: 'tokens', tokens: tokenize(v.value, Number(a['max']), a['lower'] !== false) } : v;
    default:
      return v;
  }
}
