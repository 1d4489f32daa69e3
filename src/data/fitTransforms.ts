import { applyTransform, isFitted, type TransformStep } from './applyTransform.js';
import type { FieldValue } from './decodeField.js';
import { quantileSampleSize, stateResult, type FitState } from './fitState.js';
import { xorshift32 } from './xorshift.js';

/** Counts one fitted transform's statistics over rows; `state` is what it has counted so far (`FitState`). */
interface Accumulator {
  add(v: FieldValue): void;
  state(): FitState;
}

/** Mean and sum of squared deviations by Welford's update, stable over millions of rows. */
function momentsAccumulator(): Accumulator {
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
    state: () => ({ kind: 'moments', n, mean, m2 }),
  };
}

/** How often each value was seen (strings, tokens or keys; the empty string is no value). */
function countsAccumulator(): Accumulator {
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
    state: () => ({ kind: 'counts', counts: [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) }),
  };
}

/** How often each number present was seen. */
function numberCountsAccumulator(): Accumulator {
  const counts = new Map<number, number>();
  return {
    add(v) {
      if (v.kind === 'number' && !Number.isNaN(v.value)) counts.set(v.value, (counts.get(v.value) ?? 0) + 1);
    },
    state: () => ({ kind: 'numberCounts', counts: [...counts].sort((a, b) => a[0] - b[0]) }),
  };
}

/** A uniform reservoir sample of up to `quantileSampleSize` values present (fixed seed, so fits repeat exactly). */
function sampleAccumulator(): Accumulator {
  const sample: number[] = [];
  let seen = 0;
  const next = xorshift32(0x9e3779b9);
  return {
    add(v) {
      if (v.kind !== 'number' || Number.isNaN(v.value)) return;
      seen++;
      if (sample.length < quantileSampleSize) sample.push(v.value);
      else {
        const j = Math.floor((next() / 4294967296) * seen);
        if (j < quantileSampleSize) sample[j] = v.value;
      }
    },
    state: () => ({ kind: 'sample', seen, values: Array.from(Float64Array.from(sample).sort()) }),
  };
}

/** Rows seen, and how many of them hold each id (`term_weight("tfidf")`'s document frequencies). */
function documentsAccumulator(): Accumulator {
  const df = new Map<number, number>();
  let rows = 0;
  return {
    add(v) {
      rows++;
      if (v.kind !== 'ids') return;
      for (const id of new Set(v.ids)) if (id !== 0) df.set(id, (df.get(id) ?? 0) + 1);
    },
    state: () => ({ kind: 'documents', rows, df: [...df].sort((a, b) => a[0] - b[0]) }),
  };
}

/** Statistics of each column of a vector (a feature group): one accumulator per column; a one-column feature keeps one. */
function perColumn(make: () => Accumulator): Accumulator {
  let single: Accumulator | null = null;
  let columns: Accumulator[] | null = null;
  return {
    add(v) {
      if (v.kind !== 'vector') return (single ??= make()).add(v);
      columns ??= v.values.map(() => make());
      v.values.forEach((x, j) => columns![j]?.add({ kind: 'number', value: x }));
    },
    state: () => (columns ? { kind: 'columns', columns: columns.map((c) => c.state()) } : (single ?? make()).state()),
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
    if (!acc) shared.set(name, (acc = countsAccumulator()));
    return acc;
  }
  switch (step.op) {
    case 'term_weight':
      return documentsAccumulator();
    case 'zscore':
      return perColumn(momentsAccumulator);
    case 'impute': {
      const strategy = String(step.args['strategy']);
      return perColumn(strategy === 'mean' ? momentsAccumulator : strategy === 'median' ? sampleAccumulator : numberCountsAccumulator);
    }
    case 'vocab_lookup':
      return countsAccumulator();
    default:
      return sampleAccumulator();
  }
}

/** The step of each pipeline a pass counts: its first unfitted one, -1 when all are fitted. */
export function pendingSteps(pipelines: readonly (readonly TransformStep[])[]): number[] {
  return pipelines.map((p) => p.findIndex((s) => !isFitted(s)));
}

/** One pass's statistics: the pipelines' pending steps (`pendingSteps`) and, for each pipeline, its state (shared ones once, the same object). */
export interface PassCounts {
  readonly pending: readonly number[];
  /** By pipeline: the state of its pending step, null for a pipeline with none. */
  readonly states: readonly (FitState | null)[];
  /** By pipeline: the `shared` name of a pending shared vocabulary. */
  readonly shared: readonly (string | undefined)[];
  readonly rows: number;
}

/**
 * One pass of the pre-pass: for every pipeline, the statistics of its first unfitted
 * transform over the rows, the transforms before it applied first. A shared vocabulary's
 * pipelines get the same state.
 */
export async function countPass(
  pipelines: readonly (readonly TransformStep[])[],
  rows: AsyncIterable<readonly FieldValue[]>,
): Promise<PassCounts> {
  const pending = pendingSteps(pipelines);
  const shared = new Map<string, Accumulator>();
  const accumulators = pending.map((i, f) => (i < 0 ? null : accumulatorFor(pipelines[f]![i]!, shared)));
  let counted = 0;
  for await (const row of rows) {
    counted++;
    row.forEach((value, f) => {
      const acc = accumulators[f];
      if (!acc) return;
      let v = value;
      for (let s = 0; s < pending[f]!; s++) v = applyTransform(pipelines[f]![s]!, v);
      acc.add(v);
    });
  }
  const states = new Map<Accumulator, FitState>();
  return {
    pending,
    states: accumulators.map((acc) => (acc ? (states.get(acc) ?? states.set(acc, acc.state()).get(acc)!) : null)),
    shared: pending.map((i, f) => {
      const name = i < 0 ? undefined : pipelines[f]![i]!.args['shared'];
      return pipelines[f]![i]?.op === 'vocab_lookup' && typeof name === 'string' ? name : undefined;
    }),
    rows: counted,
  };
}

/** The pipelines with each pending step's arguments filled in from its state. */
export function applyStates(
  pipelines: readonly (readonly TransformStep[])[],
  pending: readonly number[],
  states: readonly (FitState | null)[],
): TransformStep[][] {
  return pipelines.map((p, f) => {
    const state = states[f];
    const i = pending[f]!;
    return p.map((s, k) => (k === i && state ? { ...s, args: { ...s.args, ...stateResult(s, state) } } : { ...s, args: { ...s.args } }));
  });
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
  let fitted = pipelines.map((p) => p.map((s) => ({ ...s, args: { ...s.args } })));
  for (let pass = 0; pass < 8; pass++) {
    if (pendingSteps(fitted).every((i) => i < 0)) break;
    const counts = await countPass(fitted, rows());
    fitted = applyStates(fitted, counts.pending, counts.states);
  }
  return fitted;
}
