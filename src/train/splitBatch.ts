import type { Batch, BatchColumn } from '../ir/batch.js';

function sliceColumn(column: BatchColumn, from: number, to: number): BatchColumn {
  if (column.kind === 'dense') {
    const width = column.shape.slice(1).reduce((p, q) => p * q, 1);
    return { ...column, shape: [to - from, ...column.shape.slice(1)], data: column.data.slice(from * width, to * width) };
  }
  const start = column.offsets[from]!;
  const end = column.offsets[to]!;
  return {
    kind: 'sparse',
    ids: column.ids.slice(start, end),
    values: column.values ? column.values.slice(start, end) : null,
    offsets: Int32Array.from(column.offsets.subarray(from, to + 1), (o) => o - start),
  };
}

/** Examples `[from, to)` of a batch. */
export function sliceBatch(batch: Batch, from: number, to: number): Batch {
  return { size: to - from, columns: new Map([...batch.columns].map(([name, c]) => [name, sliceColumn(c, from, to)])) };
}

/** Rows `[from, to)` of a row-major `[rows, ...]` array of `width` values per row. */
export function sliceRows(values: Float32Array, width: number, from: number, to: number): Float32Array {
  return values.slice(from * width, to * width);
}
