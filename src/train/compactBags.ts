import type { BatchColumn } from '../ir/batch.js';

/**
 * A batch's bags with each id once per example: its weight the sum of the weights of its
 * occurrences (its count, unweighted), in the order of first occurrence, padding id 0
 * dropped; `counts` is each example's number of ids before merging (what `mean` divides
 * by). Long documents repeat their frequent words (600 distinct of 1,000 tokens on the
 * text bench's Zipf-like vocabulary), so the gather and the scatter, which cost a row of
 * the table per id, do that much less work.
 */
export interface CompactBags {
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
  readonly weights: Float32Array;
  readonly counts: Int32Array;
}

/** Per table size: which example last saw each id (`seen`) and where it went (`at`). */
interface Marks {
  seen: Int32Array;
  at: Int32Array;
  stamp: number;
}

const marksBySize = new Map<number, Marks>();
/** Each batch column's compact bags, built once for the step's gather and scatter. */
const cache = new WeakMap<BatchColumn, CompactBags>();

/** The compact bags of a bag column (sparse, or dense `[B, L]`), ids below `rows`. */
export function compactBags(
  column: BatchColumn,
  bags: { offsets: Int32Array; ids: Int32Array; weights: Float32Array | null },
  rows: number,
): CompactBags {
  const cached = cache.get(column);
  if (cached) return cached;
  let marks = marksBySize.get(rows);
  if (!marks) {
    marks = { seen: new Int32Array(rows), at: new Int32Array(rows), stamp: 0 };
    marksBySize.set(rows, marks);
  }
  const { offsets, ids, weights } = bags;
  const size = offsets.length - 1;
  const { seen, at } = marks;
  // Stamps only grow, so no clearing between examples; restart before they overflow.
  if (marks.stamp > 2 ** 30) {
    seen.fill(0);
    marks.stamp = 0;
  }
  const outOffsets = new Int32Array(size + 1);
  const outIds = new Int32Array(ids.length);
  const outWeights = new Float32Array(ids.length);
  const counts = new Int32Array(size);
  let n = 0;
  for (let i = 0; i < size; i++) {
    const stamp = ++marks.stamp;
    let count = 0;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      const id = ids[k]!;
      if (id === 0) continue;
      count++;
      const w = weights ? weights[k]! : 1;
      if (seen[id] === stamp) outWeights[at[id]!]! += w;
      else {
        seen[id] = stamp;
        at[id] = n;
        outIds[n] = id;
        outWeights[n++] = w;
      }
    }
    counts[i] = count;
    outOffsets[i + 1] = n;
  }
  const out = { offsets: outOffsets, ids: outIds.subarray(0, n), weights: outWeights.subarray(0, n), counts };
  cache.set(column, out);
  return out;
}
