import type { AttrValue } from '../tensor/attrValue.js';
import { applyTransform, isFitted, type TransformStep } from './applyTransform.js';
import type { FieldValue } from './decodeField.js';
import { xorshift32 } from './xorshift.js';

/** At most this many values are kept per feature to place quantile boundaries. */
export const quantileSampleSize = 200_000;

interface Accumulator {
  add(v: FieldValue): void;
  result(): Record<string, AttrValue>;
}

/** Mean and standard deviation by Welford's update, stable over millions of rows. */
function zscoreAccumulator(): Accumulator {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  return {
    add(v) {
      // A missing value (NaN, on its way to `impute`) is no statistic of the column.
      if (v.kind !== 'number' || Number.isNaN(v.value)) return;
      n++;
      const d = v.value - mean;
      mean += d / n;
      m2 += d * (v.value - mean);
    },
    result() {
      const std = n > 0 ? Math.sqrt(m2 / n) : 0;
      // A constant column would divide by zero; it is left centred and unscaled.
      return { mean, std: std > 0 ? std : 1 };
    },
  };
}

/** The `max` most frequent values seen at least `min_count` times, most frequent first, ties by value. */
function vocabAccumulator(args: Readonly<Record<string, AttrValue>>): Accumulator {
  const counts = new Map<string, number>();
  const count = (s: string): void => {
    if (s !== '') counts.set(s, (counts.get(s) ?? 0) + 1);
  };
  return {
    add(v) {
      if (v.kind === 'string') count(v.value);
      else if (v.kind === 'tokens') v.tokens.forEach(count);
      else if (v.kind === 'keys') v.keys.forEach(count);
    },
    result() {
      const minCount = Number(args['min_count'] ?? 1);
      const vocabulary = [...counts]
        .filter(([, c]) => c >= minCount)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, Number(args['max']))
        .map(([v]) => v);
      return { vocabulary };
    },
  };
}

/** Quantile boundaries from a uniform reservoir sample (fixed seed, so fits repeat exactly). */
function bucketAccumulator(args: Readonly<Record<string, AttrValue>>): Accumulator {
  const sample = reservoir();
  return {
    add(v) {
      if (v.kind === 'number' && !Number.isNaN(v.value)) sample.add(v.value);
    },
    result() {
      const bins = Number(args['bins']);
      const sorted = sample.sorted();
      const boundaries: number[] = [];
      for (let i = 1; i < bins; i++) {
        const q = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))];
        if (q !== undefined && (boundaries.length === 0 || q > boundaries[boundaries.length - 1]!)) boundaries.push(q);
      }
      return { boundaries };
    },
  };
}

/** A uniform reservoir sample of up to `quantileSampleSize` values (fixed seed, so fits repeat exactly). */
function reservoir(): { add(x: number): void; sorted(): Float64Array } {
  const sample: number[] = [];
  let seen = 0;
  const next = xorshift32(0x9e3779b9);
  return {
    add(x) {
      seen++;
      if (sample.length < quantileSampleSize) sample.push(x);
      else {
        const j = Math.floor((next() / 4294967296) * seen);
        if (j < quantileSampleSize) sample[j] = x;
      }
    },
    sorted: () => Float64Array.from(sample).sort(),
  };
}

/**
 * The value `impute` fills in, from the values that are present: their mean, their median
 * (of the reservoir sample, the mean of the two middle values for an even count), or their
 * most frequent value (ties to the smallest). A column with no value present fills 0.
 */
function imputeAccumulator(args: Readonly<Record<string, AttrValue>>): Accumulator {
  const strategy = String(args['strategy']);
  const mean = zscoreAccumulator();
  const sample = reservoir();
  const counts = new Map<number, number>();
  let present = 0;
  return {
    add(v) {
      if (v.kind !== 'number' || Number.isNaN(v.value)) return;
      present++;
      if (strategy === 'mean') mean.add(v);
      else if (strategy === 'median') sample.add(v.value);
      else counts.set(v.value, (counts.get(v.value) ?? 0) + 1);
    },
    result() {
      if (present === 0) return { value: 0 };
      if (strategy === 'mean') return { value: mean.result()['mean']! };
      if (strategy === 'median') {
        const s = sample.sorted();
        const h = s.length >> 1;
        return { value: s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2 };
      }
      let best = 0;
      let bestCount = -1;
      for (const [x, c] of counts) if (c > bestCount || (c === bestCount && x < best)) [best, bestCount] = [x, c];
      return { value: best };
    },
  };
}

/**
 * The inverse document frequency of each term of `term_weight("tfidf")`, over the `n`
 * training rows: `ln((1 + n) / (1 + df)) + 1` for a term found in `df` of them (smoothed,
 * as if one more row held every term), and `ln(1 + n) + 1` for a term never seen. Ids in order.
 */
function idfAccumulator(): Accumulator {
  const df = new Map<number, number>();
  let rows = 0;
  return {
    add(v) {
      rows++;
      if (v.kind !== 'ids') return;
      for (const id of new Set(v.ids)) if (id !== 0) df.set(id, (df.get(id) ?? 0) + 1);
    },
    result() {
      const ids = [...df.keys()].sort((p, q) => p - q);
      return {
        idf_ids: ids,
        idf: ids.map((id) => Math.log((1 + rows) / (1 + df.get(id)!)) + 1),
        idf_default: Math.log(1 + rows) + 1,
      };
    },
  };
}

/**
 * Statistics of each column of a vector (a feature group): one accumulator per column, and
 * each statistic a list in column order; a one-column feature keeps its single numbers.
 */
function perColumn(make: () => Accumulator): Accumulator {
  let single: Accumulator | null = null;
  let columns: Accumulator[] | null = null;
  return {
    add(v) {
      if (v.kind !== 'vector') return (single ??= make()).add(v);
      columns ??= v.values.map(() => make());
      v.values.forEach((x, j) => columns![j]?.add({ kind: 'number', value: x }));
    },
    result() {
      if (!columns) return (single ?? make()).result();
      const results = columns.map((c) => c.result());
      return Object.fromEntries(Object.keys(results[0] ?? {}).map((k) => [k, results.map((r) => r[k]!)]));
    },
  };
}

/**
 * The accumulator of one pipeline's pending step. `vocab(..., shared: "name")` steps of one
 * pass get one accumulator: each adds its own feature's values, so the counts (and the
 * vocabulary chosen from them) are over all of them, and every such feature gets the same list.
 */
function accumulatorFor(step: TransformStep, shared: Map<string, Accumulator>): Accumulator {
  // `vocab` reads strings, which no fitted transform makes, so it is always fitted in the first
  // pass: the features sharing a vocabulary are counted together.
  const name = step.args['shared'];
  if (step.op === 'vocab_lookup' && typeof name === 'string') {
    let acc = shared.get(name);
    if (!acc) shared.set(name, (acc = vocabAccumulator(step.args)));
    return acc;
  }
  switch (step.op) {
    case 'term_weight':
      return idfAccumulator();
    case 'zscore':
      return perColumn(zscoreAccumulator);
    case 'impute':
      return perColumn(() => imputeAccumulator(step.args));
    case 'vocab_lookup':
      return vocabAccumulator(step.args);
    default:
      return bucketAccumulator(step.args);
  }
}

/**
 * The fitting pre-pass: for every feature pipeline, statistics for its first unfitted
 * transform are gathered over the training rows (earlier transforms applied first); a
 * pipeline with two fitted transforms needs a second pass, and so on. Returns the
 * pipelines with every fitted transform's arguments filled in.
 */
export async function fitTransforms(
  pipelines: readonly (readonly TransformStep[])[],
  rows: () => AsyncIterable<readonly FieldValue[]>,
): Promise<TransformStep[][]> {
  const fitted = pipelines.map((p) => p.map((s) => ({ ...s, args: { ...s.args } })));
  for (let pass = 0; pass < 8; pass++) {
    const pending = fitted.map((p) => p.findIndex((s) => !isFitted(s)));
    if (pending.every((i) => i < 0)) break;
    const shared = new Map<string, Accumulator>();
    const accumulators = pending.map((i, f) => (i < 0 ? null : accumulatorFor(fitted[f]![i]!, shared)));
    for await (const row of rows()) {
      row.forEach((value, f) => {
        const acc = accumulators[f];
        if (!acc) return;
        let v = value;
        for (let s = 0; s < pending[f]!; s++) v = applyTransform(fitted[f]![s]!, v);
        acc.add(v);
      });
    }
    accumulators.forEach((acc, f) => {
      if (!acc) return;
      const step = fitted[f]![pending[f]!]!;
      fitted[f]![pending[f]!] = { ...step, args: { ...step.args, ...acc.result() } };
    });
  }
  return fitted;
}
