import type { AttrValue } from '../../tensor/attrValue.js';
import type { FamilyTable } from './evaluator.js';
import { denseOf, map, ndarray, reshaped } from './ndarray.js';

/** `(x - mean) / std` with the fitted statistics: the data stage's `zscore` too. */
export const zscoreScalar = (x: number, attrs: Readonly<Record<string, AttrValue>>): number =>
  (x - Number(attrs['mean'])) / Number(attrs['std']);

export const preprocessReference = {
  zscore: ([x], attrs) => map(denseOf(x, 'zscore'), (v) => zscoreScalar(v, attrs)),
  // NaN (a missing value) becomes `value`; with `indicator`, a second column is 1 where it was missing.
  impute: ([x], attrs) => {
    const v = denseOf(x, 'impute');
    const value = Number(attrs['value']);
    const filled = map(v, (e) => (Number.isNaN(e) ? value : e));
    if (attrs['indicator'] !== true) return filled;
    const rows = v.shape[0]!;
    const out = ndarray('f32', [rows, 2]);
    for (let r = 0; r < rows; r++) {
      out.data[2 * r] = filled.data[r]!;
      out.data[2 * r + 1] = Number.isNaN(v.data[r]!) ? 1 : 0;
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
