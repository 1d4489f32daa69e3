/**
 * A row-sparse gradient of an embedding table: the touched rows' ids and their gradient
 * rows packed in one buffer (the row of `ids[s]` at `s * dim`), so the scatter and the lazy
 * optimizers walk two typed arrays instead of a map of small arrays (a text batch touches
 * tens of thousands of rows). It reads as a map from id to row where one is wanted
 * (clipping, tests); `of` packs such a map.
 */
export class RowGradients implements Iterable<[number, Float32Array]> {
  private index: Map<number, number> | null = null;

  constructor(
    readonly ids: Int32Array,
    readonly data: Float32Array,
    readonly dim: number,
  ) {}

  /** The packed form of a map from id to gradient row (itself when already packed). */
  static of(rows: RowGradients | ReadonlyMap<number, Float32Array>, dim: number): RowGradients {
    if (rows instanceof RowGradients) return rows;
    const ids = Int32Array.from(rows.keys());
    const data = new Float32Array(ids.length * dim);
    let s = 0;
    for (const g of rows.values()) data.set(g.subarray(0, dim), dim * s++);
    return new RowGradients(ids, data, dim);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The gradient row of `id` (a view: writing it changes the gradient), if touched. */
  get(id: number): Float32Array | undefined {
    this.index ??= new Map(Array.from(this.ids, (r, s) => [r, s]));
    const s = this.index.get(id);
    return s === undefined ? undefined : this.row(s);
  }

  /** Each touched row's gradient, as views. */
  *values(): Generator<Float32Array> {
    for (let s = 0; s < this.ids.length; s++) yield this.row(s);
  }

  *[Symbol.iterator](): Generator<[number, Float32Array]> {
    for (let s = 0; s < this.ids.length; s++) yield [this.ids[s]!, this.row(s)];
  }

  private row(s: number): Float32Array {
    return this.data.subarray(s * this.dim, s * this.dim + this.dim);
  }
}
