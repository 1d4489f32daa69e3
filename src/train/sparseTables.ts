import type { BatchColumn } from '../ir/batch.js';
import { compactBags } from './compactBags.js';

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
   * rows: an id costs array writes, not a map look-up.
   */
  scatter(column: BatchColumn, combiner: string, grad: Float32Array): Map<number, Float32Array> {
    const { offsets, ids, weights } = SparseTable.bags(column);
    const size = offsets.length - 1;
    const d = this.dim;
    const single = column.kind === 'dense' && column.shape.length === 1;
    const bags = combiner === 'none' || single ? null : compactBags(column, { offsets, ids, weights }, this.rows);
    const seen = bags ? bags.ids : ids;
    const slots = (this.slots ??= new Int32Array(this.rows).fill(-1));
    const touched: number[] = [];
    for (let k = 0; k < seen.length; k++) {
      const id = seen[k]!;
      if ((id === 0 && !single) || slots[id] !== -1) continue;
      slots[id] = touched.length;
      touched.push(id);
    }
    const sums = new Float32Array(touched.length * d);
    const add = (id: number, scale: number, from: number): void => {
      const o = slots[id]! * d;
      for (let j = 0; j < d; j++) sums[o + j]! += scale * grad[from + j]!;
    };
    if (bags)
      for (let i = 0; i < size; i++) {
        const count = bags.counts[i]!;
        const norm = combiner === 'mean' && count > 1 ? 1 / count : 1;
        for (let k = bags.offsets[i]!; k < bags.offsets[i + 1]!; k++) add(bags.ids[k]!, norm * bags.weights[k]!, i * d);
      }
    else if (combiner === 'none') {
      for (let k = 0; k < ids.length; k++) if (ids[k] !== 0) add(ids[k]!, 1, k * d);
    } else for (let i = 0; i < size; i++) add(ids[i]!, 1, i * d);
    const rows = new Map<number, Float32Array>();
    touched.forEach((id, s) => {
      rows.set(id, sums.subarray(s * d, s * d + d));
      slots[id] = -1;
    });
    return rows;
  }

  /**
   * Adam on the table; `step` is the global step (from 1). Lazy (the default): only the
   * touched rows' moments and values change, as twml's LazyAdam did, so a step costs what
   * the batch touches. Dense (`lazy: false`): every row's moments decay and every row with
   * momentum left keeps moving, as dense Adam (PyTorch's) does; a step costs the whole table.
   */
  adam(rows: Map<number, Float32Array>, lr: number, step: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-7, lazy = true): void {
    const n = this.rows * this.dim;
    this.m ??= new Float32Array(n);
    this.v ??= new Float32Array(n);
    const m = this.m;
    const v = this.v;
    const correction = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const update = (r: number, g: Float32Array | undefined): void => {
      for (let j = 0; j < this.dim; j++) {
        const k = r + j;
        const gj = g ? g[j]! : 0;
        m[k] = beta1 * m[k]! + (1 - beta1) * gj;
        v[k] = beta2 * v[k]! + (1 - beta2) * gj * gj;
        this.data[k]! -= (correction * m[k]!) / (Math.sqrt(v[k]!) + eps);
      }
    };
    if (lazy) for (const [id, g] of rows) update(id * this.dim, g);
    else for (let id = 0; id < this.rows; id++) update(id * this.dim, rows.get(id));
  }

  /** Plain SGD on touched rows. */
  sgd(rows: Map<number, Float32Array>, lr: number): void {
    for (const [id, g] of rows) {
      const r = id * this.dim;
      for (let j = 0; j < this.dim; j++) this.data[r + j]! -= lr * g[j]!;
    }
  }

  /**
   * Momentum SGD on touched rows, as TF's lazy momentum for sparse gradients: a row's
   * velocity changes, and moves the row, only in the steps that use it.
   */
  momentum(rows: Map<number, Float32Array>, lr: number, mu: number, nesterov: boolean): void {
    this.m ??= new Float32Array(this.rows * this.dim);
    const m = this.m;
    for (const [id, g] of rows) {
      const r = id * this.dim;
      for (let j = 0; j < this.dim; j++) {
        const k = r + j;
        m[k] = mu * m[k]! + g[j]!;
        this.data[k]! -= lr * (nesterov ? g[j]! + mu * m[k]! : m[k]!);
      }
    }
  }

  /** Adagrad on touched rows. */
  adagrad(rows: Map<number, Float32Array>, lr: number, initial = 0.1, eps = 1e-7): void {
    if (!this.accumulator) this.accumulator = new Float32Array(this.rows * this.dim).fill(initial);
    const acc = this.accumulator;
    for (const [id, g] of rows) {
      const r = id * this.dim;
      for (let j = 0; j < this.dim; j++) {
        acc[r + j]! += g[j]! * g[j]!;
        this.data[r + j]! -= (lr * g[j]!) / (Math.sqrt(acc[r + j]!) + eps);
      }
    }
  }
}
