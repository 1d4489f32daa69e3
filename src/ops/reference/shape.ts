import type { AttrValue } from '../../tensor/attrValue.js';
import type { FamilyTable, RefEvaluator } from './evaluator.js';
import { axisOf, broadcastIndex, denseOf, ndarray, reshaped, size, strides, type NdArray } from './ndarray.js';

/** A new array of `shape` whose element at each coordinate is `x`'s at flat index `source(coord)`. */
function pick(x: NdArray, shape: readonly number[], source: (coord: readonly number[]) => number): NdArray {
  const out = ndarray(x.dtype, shape);
  const coord = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.data.length; k++) {
    out.data[k] = x.data[source(coord)]!;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++coord[i]! < shape[i]!) break;
      coord[i] = 0;
    }
  }
  return out;
}

export function transposeArray(x: NdArray, perm: readonly number[]): NdArray {
  const s = strides(x.shape);
  return pick(
    x,
    perm.map((p) => x.shape[p]!),
    (c) => c.reduce((o, ci, i) => o + ci * s[perm[i]!]!, 0),
  );
}

/** `0` keeps the input's dimension at that position, `-1` takes what is left (the IR's reshape target). */
function reshapeTarget(x: NdArray, want: readonly number[]): number[] {
  const shape = want.map((d, i) => (d === 0 ? x.shape[i]! : d));
  const known = shape.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
  return shape.map((d) => (d === -1 ? size(x.shape) / known : d));
}

/** One axis of a slice: `[start, stop, step]` resolved against its length, as the TF.js and ONNX emitters resolve it. */
function cut(
  length: number,
  [start, stop, step]: readonly [number | null, number | null, number],
): { from: number; count: number; step: number } {
  const norm = (i: number | null, fallback: number): number =>
    i === null ? fallback : i < 0 ? Math.max(0, i + length) : Math.min(i, length);
  const from = norm(start, 0);
  return { from, count: Math.max(0, Math.ceil((norm(stop, length) - from) / step)), step };
}

/** `x[i]` and `x[a:b:c]` per leading axis; an index drops its axis. */
export function sliceArray(x: NdArray, spec: readonly AttrValue[]): NdArray {
  const s = strides(x.shape);
  const axes = x.shape.map((length, axis) => {
    const e = spec[axis];
    if (e === undefined) return { from: 0, count: length, step: 1, index: false };
    if (typeof e === 'number') return { from: e < 0 ? e + length : e, count: 1, step: 1, index: true };
    return { ...cut(length, e as unknown as [number | null, number | null, number]), index: false };
  });
  const full = pick(
    x,
    axes.map((a) => a.count),
    (c) => c.reduce((o, ci, i) => o + (axes[i]!.from + ci * axes[i]!.step) * s[i]!, 0),
  );
  return reshaped(
    full,
    axes.flatMap((a) => (a.index ? [] : [a.count])),
  );
}

export function concatArrays(xs: readonly NdArray[], axisAttr: number): NdArray {
  const first = xs[0]!;
  const axis = axisOf(axisAttr, first.shape.length);
  const widths = xs.map((x) => x.shape[axis]!);
  const shape = first.shape.map((d, i) => (i === axis ? widths.reduce((p, q) => p + q, 0) : d));
  const out = ndarray(first.dtype, shape);
  const outer = size(shape.slice(0, axis));
  const inner = size(shape.slice(axis + 1));
  let at = 0;
  for (const x of xs) {
    const block = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * block, (o + 1) * block), o * shape[axis]! * inner + at * inner);
    at += x.shape[axis]!;
  }
  return out;
}

function filled(like: NdArray, shape: readonly number[] | null, value: number): NdArray {
  const out = ndarray('f32', shape === null ? like.shape : [like.shape[0]!, ...shape]);
  out.data.fill(value);
  return out;
}

const broadcastTo: RefEvaluator = ([x, like]) => {
  const v = denseOf(x, 'broadcast_to');
  const shape = denseOf(like, 'broadcast_to').shape;
  const index = broadcastIndex(v.shape, shape);
  return ndarray(
    v.dtype,
    shape,
    Array.from(index, (i) => v.data[i]!),
  );
};

export const shapeReference = {
  broadcast_to: broadcastTo,
  // Only `like`'s shape is read: its whole shape, or with `shape` its first (batch) axis followed by `shape`.
  full: ([like], attrs) => filled(denseOf(like, 'full'), attrs['shape'] as number[] | null, Number(attrs['value'])),
  zeros: ([like], attrs) => filled(denseOf(like, 'zeros'), attrs['shape'] as number[] | null, 0),
  reshape: ([x], attrs) => {
    const v = denseOf(x, 'reshape');
    return reshaped(v, reshapeTarget(v, attrs['shape'] as number[]));
  },
  concat: (xs, attrs) =>
    concatArrays(
      xs.map((x) => denseOf(x, 'concat')),
      Number(attrs['axis']),
    ),
  slice: ([x], attrs) => sliceArray(denseOf(x, 'slice'), attrs['spec'] as readonly AttrValue[]),
  transpose: ([x], attrs) => {
    const v = denseOf(x, 'transpose');
    const perm = (attrs['perm'] as number[] | null) ?? v.shape.map((_, i) => v.shape.length - 1 - i);
    return transposeArray(v, perm);
  },
  expand_dims: ([x], attrs) => {
    const v = denseOf(x, 'expand_dims');
    const shape = [...v.shape];
    shape.splice(axisOf(Number(attrs['axis']), v.shape.length + 1), 0, 1);
    return reshaped(v, shape);
  },
  squeeze: ([x], attrs) => {
    const v = denseOf(x, 'squeeze');
    const axis = axisOf(Number(attrs['axis']), v.shape.length);
    if (v.shape[axis] !== 1) throw new Error(`squeeze: axis ${axis} has size ${v.shape[axis]}, not 1`);
    return reshaped(
      v,
      v.shape.filter((_, i) => i !== axis),
    );
  },
} satisfies FamilyTable;
