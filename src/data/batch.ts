import type { Batch, BatchColumn } from '../ir/batch.js';
import type { IrType } from '../ir/ir.js';

export type { Batch, BatchColumn };
import type { FieldValue } from './decodeField.js';
import { xorshift32 } from './xorshift.js';

/**
 * Packs examples (one value per feature, after transforms) into columns shaped by each
 * feature's type in the IR: `f32[B, 1]`, `i32[B]`, `i32[B, L]` (token ids, padded with 0,
 * the missing id), `f32[B, D]`, or sparse ids with offsets.
 */
export function packBatch(names: readonly string[], types: readonly IrType[], examples: readonly (readonly FieldValue[])[]): Batch {
  const size = examples.length;
  const columns = new Map<string, BatchColumn>();
  names.forEach((name, f) => {
    const type = types[f]!;
    if (type.kind === 'sparse') {
      const offsets = new Int32Array(size + 1);
      let total = 0;
      examples.forEach((ex, i) => {
        const v = ex[f]!;
        total += v.kind === 'ids' ? v.ids.length : 0;
        offsets[i + 1] = total;
      });
      const ids = new Int32Array(total);
      const values = type.weighted ? new Float32Array(total) : null;
      examples.forEach((ex, i) => {
        const v = ex[f]!;
        if (v.kind !== 'ids') return;
        ids.set(v.ids, offsets[i]!);
        if (values && v.values) values.set(v.values, offsets[i]!);
      });
      columns.set(name, { kind: 'sparse', ids, values, offsets });
      return;
    }
    const inner = type.shape.slice(1).map(Number);
    const width = inner.reduce((p, q) => p * q, 1);
    const integer = type.dtype === 'i32' || type.dtype === 'i64';
    const data = integer ? new Int32Array(size * width) : new Float32Array(size * width);
    examples.forEach((ex, i) => {
      const v = ex[f]!;
      const at = i * width;
      if (v.kind === 'number') data[at] = v.value;
      else if (v.kind === 'vector') data.set(v.values.slice(0, width), at);
      else if (v.kind === 'ids') data.set(v.ids.slice(0, width), at);
    });
    columns.set(name, { kind: 'dense', dtype: integer ? 'i32' : 'f32', shape: [size, ...inner], data });
  });
  return { size, columns };
}

/**
 * A shuffle buffer: holds up to `capacity` items and releases a random one for each new
 * item once full, so a stream is shuffled without holding it all. The generator is seeded,
 * so the same seed gives the same order (what `--resume` relies on).
 */
export class ShuffleBuffer<T> {
  private readonly items: T[] = [];
  private readonly next: () => number;

  constructor(
    private readonly capacity: number,
    seed: number,
  ) {
    this.next = xorshift32(seed);
  }

  private random(): number {
    return this.next() / 4294967296;
  }

  /** Adds an item; returns one to emit when the buffer is full. */
  push(item: T): T | undefined {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return undefined;
    }
    const j = Math.floor(this.random() * this.items.length);
    const out = this.items[j]!;
    this.items[j] = item;
    return out;
  }

  /** Empties the buffer in random order. */
  *drain(): Generator<T> {
    while (this.items.length > 0) {
      const j = Math.floor(this.random() * this.items.length);
      const last = this.items.pop()!;
      if (j < this.items.length) {
        const out = this.items[j]!;
        this.items[j] = last;
        yield out;
      } else yield last;
    }
  }
}
