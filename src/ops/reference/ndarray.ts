import type { AttrValue } from '../../tensor/attrValue.js';
import type { DType } from '../../tensor/types.js';

/** The dtypes the reference evaluates: every dtype but `string` (string transforms are not evaluated). */
export type RefDType = Exclude<DType, 'string'>;

/**
 * A dense array in float64, row-major: the reference semantics' one value type. Integers
 * and booleans (0 or 1) are held as float64 too, exactly, with `dtype` saying what they are.
 */
export interface NdArray {
  readonly dtype: RefDType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/**
 * Sparse ids as `embedding_lookup` reads them: padded ids `[B, L]` and their weights
 * (1 per present id, or its value; 0 at padding), as the TF.js program and the ONNX graph
 * receive them.
 */
export interface SparseIds {
  readonly kind: 'sparse';
  readonly ids: NdArray;
  readonly weights: NdArray;
}

export type RefValue = NdArray | SparseIds;

export const isSparse = (v: RefValue): v is SparseIds => 'kind' in v;

export const size = (shape: readonly number[]): number => shape.reduce((p, q) => p * q, 1);

export function ndarray(dtype: RefDType, shape: readonly number[], data?: ArrayLike<number>): NdArray {
  const n = size(shape);
  const out = data === undefined ? new Float64Array(n) : Float64Array.from(data);
  if (out.length !== n) throw new Error(`${out.length} values for shape [${shape.join(', ')}]`);
  return { dtype, shape: [...shape], data: out };
}

export const scalar = (value: number, dtype: RefDType = 'f32'): NdArray => ndarray(dtype, [], [value]);

/** The dense value of an operand; sparse ids reach only `embedding_lookup`. */
export function denseOf(v: RefValue | undefined, op: string): NdArray {
  if (v === undefined) throw new Error(`\`${op}\` is missing an operand`);
  if (isSparse(v)) throw new Error(`\`${op}\` takes dense tensors, not sparse ids`);
  return v;
}

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank, or throws. */
export function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** NumPy broadcasting of several shapes, right-aligned. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === d || x === 1) continue;
      if (d !== 1) throw new Error(`shapes ${shapes.map((t) => `[${t.join(', ')}]`).join(', ')} do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** For each flat index of `out`, the flat index of `shape` broadcast to it. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = size(out);
  const index = new Int32Array(n);
  const lead = out.length - shape.length;
  const inStrides = strides(shape);
  const coord = new Array<number>(out.length).fill(0);
  for (let k = 0; k < n; k++) {
    let offset = 0;
    for (let i = 0; i < shape.length; i++) if (shape[i] !== 1) offset += coord[lead + i]! * inStrides[i]!;
    index[k] = offset;
    for (let i = out.length - 1; i >= 0; i--) {
      if (++coord[i]! < out[i]!) break;
      coord[i] = 0;
    }
  }
  return index;
}

/** `f` applied elementwise to `xs` broadcast together, giving `dtype`. */
export function zipWith(xs: readonly NdArray[], dtype: RefDType, f: (...v: number[]) => number): NdArray {
  const shape = broadcastShape(xs.map((x) => x.shape));
  const indices = xs.map((x) => broadcastIndex(x.shape, shape));
  const out = ndarray(dtype, shape);
  const args = new Array<number>(xs.length);
  for (let k = 0; k < out.data.length; k++) {
    for (let j = 0; j < xs.length; j++) args[j] = xs[j]!.data[indices[j]![k]!]!;
    out.data[k] = f(...args);
  }
  return out;
}

export function map(x: NdArray, f: (v: number) => number, dtype: RefDType = x.dtype): NdArray {
  const out = ndarray(dtype, x.shape);
  for (let k = 0; k < out.data.length; k++) out.data[k] = f(x.data[k]!);
  return out;
}

export const reshaped = (x: NdArray, shape: readonly number[]): NdArray => ({ dtype: x.dtype, shape: [...shape], data: x.data });

/** Reads a constant's attribute value (a number or nested lists) in `shape`, broadcasting a scalar. */
export function fromAttr(value: AttrValue, dtype: RefDType, shape: readonly number[]): NdArray {
  const flat: number[] = [];
  const walk = (v: AttrValue): void => {
    if (Array.isArray(v)) (v as readonly AttrValue[]).forEach(walk);
    else flat.push(typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
  };
  walk(value);
  if (flat.length === 1 && size(shape) !== 1) return ndarray(dtype, shape, new Array<number>(size(shape)).fill(flat[0]!));
  return ndarray(dtype, shape, flat);
}

/** The array as nested lists (a number for a scalar): how the IR writes a constant. */
export function toAttr(x: NdArray): AttrValue {
  const nest = (offset: number, axis: number): AttrValue => {
    if (axis === x.shape.length) return x.data[offset]!;
    const inner = size(x.shape.slice(axis + 1));
    return Array.from({ length: x.shape[axis]! }, (_, i) => nest(offset + i * inner, axis + 1));
  };
  return nest(0, 0);
}
