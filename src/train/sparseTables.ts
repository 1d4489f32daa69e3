import type { BatchColumn } from '../ir/batch.js';
import { compactBags } from './compactBags.js';
import { RowGradients } from './rowGradients.js';

/** A row-sparse gradient as the optimizers take it: packed, or a map from id to row. */
export type Rows = RowGradients | ReadonlyMap<number, Float32Array>;

/**
 * The project's own embedding kernels. An embedding table lives in JS memory, not in a
 * TF.js variable: the forward gathers and combines only the rows a batch touches, and the
 * backward scatters the gradient of the combined vectors back to those rows, so the
 * update is row-sparse and a lazy optimizer touches only them (as twml's LazyAdam did).
 * Stock TF.js cannot do this on wasm (no `UnsortedSegmentSum`) and is slow on cpu.
 */
export class SparseTable {
  readonly data: Float32Array;
  /** Adam's moments per element, allocated on first use. */
  private m: Float32Array | null = null;
  private v: Float32Array | null = null;
  private accumulator: Float32Array | null = null;
  /** Per row, its slot in the scatter being built (-1: untouched); all -1 between scatters. */
  private slots: Int32Array | null = null;

  constructor(
    readonly rows: number,
    readonly dim: number,
    initial: Float32Array,
  ) {
    this.data = initial;
  }

  /** The optimizer's per-element state, by name, for checkpoints. */
  state(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    if (this.m) out['m'] = this.m;
    if (this.v) out['v'] = this.v;
    if (this.accumulator) out['accumulator'] = this.accumulator;
    return out;
  }

  restoreState(state: Readonly<Record<string, Float32Array>>): void {
    if (state['m']) this.m = Float32Array.from(state['m']);
    if (state['v']) this.v = Float32Array.from(state['v']);
    if (state['accumulator']) this.accumulator = Float32Array.from(state['accumulator']);
  }

  /** Per example: the row ids and their weights (1, or the sparse value), 0-ids in a bag skipped. */
  static bags(column: BatchColumn): { offsets: Int32Array; ids: Int32Array; weights: Float32Array | null; width: number | null } {
    if (column.kind === 'sparse') return { offsets: column.offsets, ids: column.ids, weights: column.values, width: null };
    const size = column.shape[0]!;
    const width = column.shape.length > 1 ? column.shape[1]! : 1;
    const offsets = new Int32Array(size + 1);
    for (let i = 0; i <= size; i++) offsets[i] = i * width;
    return { offsets, ids: column.data as Int32Array, weights: null, width: column.shape.length > 1 ? width : null };
  }

  /**
   * `[B, D]` combined vectors (`mean` or `sum` over each bag, padding id 0 skipped in
   * bags; each distinct id of a bag read once, times its count, see `compactBags`), or
   * `[B, L, D]` per position for `none`.
   */
  gather(column: BatchColumn, combiner: string): { values: Float32Array; shape: number[] } {
    const { offsets, ids, weights, width } = SparseTable.bags(column);
    const size = offsets.length - 1;
    const d = this.dim;
    if (combiner === 'none') {
      const out = new Float32Array(ids.length * d);
      for (let k = 0; k < ids.length; k++) out.set(this.data.subarray(ids[k]! * d, ids[k]! * d + d), k * d);
      return { values: out, shape: [size, width ?? 1, d] };
    }
    const out = new Float32Array(size * d);
    const single = width === null && column.kind === 'dense';
    if (!single) {
      const bags = compactBags(column, { offsets, ids, weights }, this.rows);
      for (let i = 0; i < size; i++) {
        const o = i * d;
        for (let k = bags.offsets[i]!; k < bags.offsets[i + 1]!; k++) {
          const w = bags.weights[k]!;
          const r = bags.ids[k]! * d;
          for (let j = 0; j < d; j++) out[o + j]! += w * this.data[r + j]!;
        }
        const count = bags.counts[i]!;
        if (combiner === 'mean' && count > 1) for (let j = 0; j < d; j++) out[o + j]! /= count;
      }
      return { values: out, shape: [size, d] };
    }
    for (let i = 0; i < size; i++) out.set(this.data.subarray(ids[i]! * d, ids[i]! * d + d), i * d);
    return { values: out, shape: [size, d] };
  }

  /**
   * The row-sparse gradient: each touched row and the sum of what it received, rows in
   * the order the batch first touches them. Bags go by their compact form (`compactBags`:
   * an id repeated in an example is added once, times its count). A first pass gives each
   * touched row a slot (`slots`, reset after), a second sums into one buffer of the touched
   * rows (`RowGradients`): an id costs array writes, not a map look-up.
   */
  scatter(column: BatchColumn, combiner: string, grad: Float32Array): RowGradients {
    const { offsets, ids, weights } = SparseTable.bags(column);
    const size = offsets.length - 1;
    const d = this.dim;
    const single = column.kind === 'dense' && column.shape.length === 1;
    const bags = combiner === 'none' || single ? null : compactBags(column, { offsets, ids, weights }, this.rows);
    const seen = bags ? bags.ids : ids;
    // Padding id 0 gets no gradient, except as the one id of an example (a real row there).
    const skipZero = !single || combiner === 'none';
    const slots = (this.slots ??= new Int32Array(this.rows).fill(-1));
    const touched = new Int32Array(Math.min(seen.length, this.rows));
    let n = 0;
    for (let k = 0; k < seen.length; k++) {
      const id = seen[k]!;
      if ((id === 0 && skipZero) || slots[id] !== -1) continue;
      slots[id] = n;
      touched[n++] = id;
    }
    const sums = new Float32Array(n * d);
    if (bags)
      for (let i = 0; i < size; i++) {
        const count = bags.counts[i]!;
        const norm = combiner === 'mean' && count > 1 ? 1 / count : 1;
        const from = i * d;
        for (let k = bags.offsets[i]!; k < bags.offsets[i + 1]!; k++) {
          const scale = norm * bags.weights[k]!;
          const o = slots[bags.ids[k]!]! * d;
          for (let j = 0; j < d; j++) sums[o + j]! += scale * grad[from + j]!;
        }
      }
    else
      for (let k = 0; k < ids.length; k++) {
        // `none`: one gradient row per position; a single id: one per example.
        if (ids[k] === 0 && skipZero) continue;
        const o = slots[ids[k]!]! * d;
        for (let j = 0; j < d; j++) sums[o + j]! += grad[k * d + j]!;
      }
    for (let s = 0; s < n; s++) slots[touched[s]!] = -1;
    return new RowGradients(touched.subarray(0, n), sums, d);
  }

  /**
   * Adam on the table; `step` is the global step (from 1). Lazy (the default): only the
   * touched rows' moments and values change, as twml's LazyAdam did, so a step costs what
   * the batch touches. Dense (`lazy: false`): every row's moments decay and every row with
   * momentum left keeps moving, as dense Adam (PyTorch's) does; a step costs the whole table.
   */
  adam(rows: Rows, lr: number, step: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-7, lazy = true): void {
    const d = this.dim;
    const n = this.rows * d;
    this.m ??= new Float32Array(n);
    this.v ??= new Float32Array(n);
    const m = this.m;
    const v = this.v;
    const data = this.data;
    const correction = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const { ids, data: g } = RowGradients.of(rows, d);
    // One row: `r` its first element in the table, `o` its gradient's in `g` (-1: none).
    const update = (r: number, o: number): void => {
      for (let j = 0; j < d; j++) {
        const k = r + j;
        const gj = o < 0 ? 0 : g[o + j]!;
        m[k] = beta1 * m[k]! + (1 - beta1) * gj;
        v[k] = beta2 * v[k]! + (1 - beta2) * gj * gj;
        data[k]! -= (correction * m[k]!) / (Math.sqrt(v[k]!) + eps);
      }
    };
    if (lazy) for (let s = 0; s < ids.length; s++) update(ids[s]! * d, s * d);
    else {
      const at = new Int32Array(this.rows).fill(-1);
      ids.forEach((id, s) => (at[id] = s * d));
      for (let id = 0; id < this.rows; id++) update(id * d, at[id]!);
    }
  }

  /** Plain SGD on touched rows. */
  sgd(rows: Rows, lr: number): void {
    const d = this.dim;
    const { ids, data: g } = RowGradients.of(rows, d);
    for (let s = 0; s < ids.length; s++) {
      const r = ids[s]! * d;
      for (let j = 0; j < d; j++) this.data[r + j]! -= lr * g[s * d + j]!;
    }
  }

  /**
   * Momentum SGD on touched rows, as TF's lazy momentum for sparse gradients: a row's
   * velocity changes, and moves the row, only in the steps that use it.
   */
  momentum(rows: Rows, lr: number, mu: number, nesterov: boolean): void {
    const d = this.dim;
    this.m ??= new Float32Array(this.rows * d);
    const m = this.m;
    const { ids, data: g } = RowGradients.of(rows, d);
    for (let s = 0; s < ids.length; s++) {
      const r = ids[s]! * d;
      for (let j = 0; j < d; j++) {
        const k = r + j;
        const gj = g[s * d + j]!;
        m[k] = mu * m[k]! + gj;
        this.data[k]! -= lr * (nesterov ? gj + mu * m[k]! : m[k]!);
      }
    }
  }

  /** Adagrad on touched rows. */
  adagrad(rows: Rows, lr: number, initial = 0.1, eps = 1e-7): void {
    const d = this.dim;
    if (!this.accumulator) this.accumulator = new Float32Array(this.rows * d).fill(initial);
    const acc = this.accumulator;
    const { ids, data: g } = RowGradients.of(rows, d);
    for (let s = 0; s < ids.length; s++) {
      const r = ids[s]! * d;
      for (let j = 0; j < d; j++) {
        const gj = g[s * d + j]!;
        acc[r + j]! += gj * gj;
        this.data[r + j]! -= (lr * gj) / (Math.sqrt(acc[r + j]!) + eps);
      }
    }
  }
}
