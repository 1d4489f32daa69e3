import type { FamilyTable, RefEvaluator } from './evaluator.js';
import { denseOf, isSparse, map, ndarray, type NdArray } from './ndarray.js';

/** Row `id` of `table` `[V, D]`, or an error for an id outside it (the backends' gathers do not define one). */
function row(table: NdArray, id: number): Float64Array {
  const [rows, width] = table.shape as [number, number];
  if (!(Number.isInteger(id) && id >= 0 && id < rows)) throw new Error(`embedding_lookup: id ${id} is outside the table's ${rows} rows`);
  return table.data.subarray(id * width, (id + 1) * width);
}

/**
 * Bags `[B, L]` of ids with weights (0 at padding): the weighted sum of their rows, or for
 * `mean` that sum divided by the number of ids other than 0, at least 1 (both backends' rule).
 */
function bags(ids: NdArray, weights: NdArray, table: NdArray, combiner: string): NdArray {
  const [batch, length] = ids.shape as [number, number];
  const width = table.shape[1]!;
  const out = ndarray('f32', [batch, width]);
  for (let b = 0; b < batch; b++) {
    let present = 0;
    for (let l = 0; l < length; l++) {
      const id = ids.data[b * length + l]!;
      if (id !== 0) present++;
      const w = weights.data[b * length + l]!;
      if (w === 0) continue;
      const r = row(table, id);
      for (let d = 0; d < width; d++) out.data[b * width + d]! += w * r[d]!;
    }
    if (combiner === 'mean') for (let d = 0; d < width; d++) out.data[b * width + d]! /= Math.max(present, 1);
  }
  return out;
}

const embeddingLookup: RefEvaluator = ([ids, tableValue], attrs) => {
  const table = denseOf(tableValue, 'embedding_lookup');
  const combiner = String(attrs['combiner']);
  if (ids !== undefined && isSparse(ids)) return bags(ids.ids, ids.weights, table, combiner);
  const dense = denseOf(ids, 'embedding_lookup');
  if (combiner === 'none' || dense.shape.length === 1) {
    const width = table.shape[1]!;
    const out = ndarray('f32', [...dense.shape, width]);
    dense.data.forEach((id, k) => out.data.set(row(table, id), k * width));
    return out;
  }
  // A dense bag: id 0 is padding, weighing 0.
  return bags(
    dense,
    map(dense, (id) => (id !== 0 ? 1 : 0), 'f32'),
    table,
    combiner,
  );
};

export const sparseReference = {
  embedding_lookup: embeddingLookup,
  sequence_mask: ([ids]) => map(denseOf(ids, 'sequence_mask'), (id) => (id !== 0 ? 1 : 0), 'f32'),
} satisfies FamilyTable;
