import type { Batch, BatchColumn } from '../ir/batch.js';
import type { IrType } from '../ir/ir.js';
import { ShuffleBuffer, packBatch } from './batch.js';
import { xorshift32 } from './xorshift.js';
import type { FieldValue } from './decodeField.js';

/** Growable typed array. */
class Growable<T extends Float32Array | Int32Array> {
  length = 0;
  constructor(private data: T) {}
  push(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) {
      const grown = new (this.data.constructor as new (n: number) => T)(Math.max(this.data.length * 2, this.length + values.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(values as never, this.length);
    this.length += values.length;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

interface DenseStore {
  readonly kind: 'dense';
  readonly width: number;
  readonly inner: number[];
  readonly data: Growable<Float32Array> | Growable<Int32Array>;
}
interface SparseStore {
  readonly kind: 'sparse';
  readonly ids: Growable<Int32Array>;
  readonly values: Growable<Float32Array> | null;
  readonly offsets: Growable<Int32Array>;
}

/**
 * One part of the data (train or test), transformed and packed in memory as columns, so
 * epochs after the first read typed arrays instead of parsing text again. A permutation
 * per epoch shuffles it exactly, seeded for repeatable runs.
 */
export class EncodedPart {
  size = 0;
  private readonly stores: (DenseStore | SparseStore)[];

  constructor(
    readonly names: readonly string[],
    readonly types: readonly IrType[],
  ) {
    this.stores = types.map((t): DenseStore | SparseStore => {
      if (t.kind === 'sparse') {
        const offsets = new Growable(new Int32Array(1024));
        offsets.push([0]);
        return {
          kind: 'sparse',
          ids: new Growable(new Int32Array(1024)),
          values: t.weighted ? new Growable(new Float32Array(1024)) : null,
          offsets,
        };
      }
      const inner = t.shape.slice(1).map(Number);
      const width = inner.reduce((p, q) => p * q, 1);
      const integer = t.dtype === 'i32' || t.dtype === 'i64';
      return { kind: 'dense', width, inner, data: integer ? new Growable(new Int32Array(1024)) : new Growable(new Float32Array(1024)) };
    });
  }

  /** Appends examples (one transformed value per feature each). */
  add(examples: readonly (readonly FieldValue[])[]): void {
    const batch = packBatch(this.names, this.types, examples);
    this.names.forEach((name, f) => {
      const column = batch.columns.get(name)!;
      const store = this.stores[f]!;
      if (store.kind === 'dense' && column.kind === 'dense') (store.data as Growable<Float32Array>).push(column.data);
      else if (store.kind === 'sparse' && column.kind === 'sparse') {
        const base = store.ids.length;
        store.ids.push(column.ids);
        if (store.values && column.values) store.values.push(column.values);
        store.offsets.push(Array.from(column.offsets.subarray(1), (o) => o + base));
      }
    });
    this.size += examples.length;
  }

  /** Batches in file order, or in a seeded random order: a whole permutation, or within a window of `buffer` rows when that is smaller than the part. */
  *batches(size: number, seed?: number, skip = 0, buffer = Infinity): Generator<Batch> {
    let order = Int32Array.from({ length: this.size }, (_, i) => i);
    if (seed !== undefined && buffer < this.size) {
      // A buffer smaller than the part shuffles as the streamed path does (`ShuffleBuffer`):
      // rows only move within a window of `buffer` rows, so the setting takes effect.
      const shuffler = new ShuffleBuffer<number>(buffer, seed);
      const out: number[] = [];
      for (const i of order) {
        const emitted = shuffler.push(i);
        if (emitted !== undefined) out.push(emitted);
      }
      out.push(...shuffler.drain());
      order = Int32Array.from(out);
    } else if (seed !== undefined) {
      const next = xorshift32(seed);
      for (let i = order.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    for (let start = skip * size; start < this.size; start += size) {
      const rows = order.subarray(start, Math.min(this.size, start + size));
      const columns = new Map<string, BatchColumn>();
      this.names.forEach((name, f) => columns.set(name, this.take(this.stores[f]!, rows)));
      yield { size: rows.length, columns };
    }
  }

  private take(store: DenseStore | SparseStore, rows: Int32Array): BatchColumn {
    if (store.kind === 'dense') {
      const source = store.data.view();
      const w = store.width;
      const out = source instanceof Int32Array ? new Int32Array(rows.length * w) : new Float32Array(rows.length * w);
      rows.forEach((r, i) => out.set(source.subarray(r * w, r * w + w), i * w));
      return { kind: 'dense', dtype: source instanceof Int32Array ? 'i32' : 'f32', shape: [rows.length, ...store.inner], data: out };
    }
    const offsets = store.offsets.view();
    const ids = store.ids.view();
    const values = store.values?.view() ?? null;
    const outOffsets = new Int32Array(rows.length + 1);
    rows.forEach((r, i) => (outOffsets[i + 1] = outOffsets[i]! + offsets[r + 1]! - offsets[r]!));
    const outIds = new Int32Array(outOffsets[rows.length]!);
    const outValues = values ? new Float32Array(outIds.length) : null;
    rows.forEach((r, i) => {
      outIds.set(ids.subarray(offsets[r]!, offsets[r + 1]!), outOffsets[i]!);
      if (outValues && values) outValues.set(values.subarray(offsets[r]!, offsets[r + 1]!), outOffsets[i]!);
    });
    return { kind: 'sparse', ids: outIds, values: outValues, offsets: outOffsets };
  }
}
