import type { AttrValue } from '../../tensor/attrValue.js';
import type { FamilyTable } from './evaluator.js';
import { denseOf, map, ndarray, reshaped } from './ndarray.js';

/**
 * A fitted statistic for column `j`: one number for a one-column feature (or given for every
 * column of a group), or a list with one entry per column of a feature group.
 */
export const columnStat = (stat: AttrValue | undefined, j: number): number => Number(Array.isArray(stat) ? stat[j] : stat);

/** `(x - mean) / std` of column `j` with the fitted statistics: the data stage's `zscore` too. */
export const zscoreScalar = (x: number, attrs: Readonly<Record<string, AttrValue>>, j = 0): number =>
  (x - columnStat(attrs['mean'], j)) / columnStat(attrs['std'], j);

/** The values of one example (`n` of a `[B, n]` group): the column of element k is `k % width`. */
const widthOf = (x: { readonly shape: readonly number[] }): number => x.shape.slice(1).reduce((p, q) => p * q, 1);

export const preprocessReference = {
  zscore: ([x], attrs) => {
    const v = denseOf(x, 'zscore');
    const width = widthOf(v);
    const out = map(v, (e) => e);
    for (let k = 0; k < out.data.length; k++) out.data[k] = zscoreScalar(v.data[k]!, attrs, k % width);
    return out;
  },
  // NaN (a missing value) becomes `value` (of its column); with `indicator`, columns follow that are 1 where it was missing.
  impute: ([x], attrs) => {
    const v = denseOf(x, 'impute');
    const width = widthOf(v);
    const filled = map(v, (e) => e);
    for (let k = 0; k < v.data.length; k++) if (Number.isNaN(v.data[k]!)) filled.data[k] = columnStat(attrs['value'], k % width);
    if (attrs['indicator'] !== true) return filled;
    const rows = v.shape[0]!;
    const out = ndarray('f32', [rows, 2 * width]);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < width; j++) {
        out.data[2 * width * r + j] = filled.data[width * r + j]!;
        out.data[2 * width * r + width + j] = Number.isNaN(v.data[width * r + j]!) ? 1 : 0;
      }
    return out;
  },
  // The number of boundaries at or below x; a `[B, 1]` input gives `[B]`.
  bucketize: ([x], attrs, type) => {
    const boundaries = attrs['boundaries'] as number[];
    const v = denseOf(x, 'bucketize');
    const ids = map(v, (e) => boundaries.filter((b) => b <= e).length, 'i32');
    return reshaped(
      ids,
      type.shape.map((d, i) => (typeof d === 'number' ? d : v.shape[i]!)),
    );
  },
  // Strings: the data stage (src/data/) hashes, looks up and tokenizes them before a batch reaches a graph.
  hash_bucket: { excluded: 'hashes strings, which the reference does not hold' },
  vocab_lookup: { excluded: 'looks up strings, which the reference does not hold' },
  tokenize: { excluded: 'splits strings, which the reference does not hold' },
  term_weight: {
    excluded:
      'gives a weighted bag (sparse ids), which the reference does not hold; the data stage weighs token lists (src/data/applyTransform.ts)',
  },
} satisfies FamilyTable;
