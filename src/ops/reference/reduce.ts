import type { AttrValue } from '../../tensor/attrValue.js';
import type { FamilyTable, RefEvaluator } from './evaluator.js';
import { axisOf, denseOf, ndarray, strides, type NdArray } from './ndarray.js';

/** The axes a reduction's attributes name (all when null), normalized and sorted. */
export function reducedAxes(attrs: Readonly<Record<string, AttrValue>>, rank: number): number[] {
  const given = attrs['axes'] as number[] | null | undefined;
  const axes = (given ?? Array.from({ length: rank }, (_, i) => i)).map((a) => axisOf(a, rank));
  return [...new Set(axes)].sort((p, q) => p - q);
}

/**
 * `x` reduced over `axes` by `step` from `init`, then `finish(total, count)`; the reduced
 * axes kept as 1 with `keepdims`.
 */
export function reduceAxes(
  x: NdArray,
  axes: readonly number[],
  keepdims: boolean,
  init: number,
  step: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (acc) => acc,
): NdArray {
  const reduced = new Set(axes);
  const kept = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outShape = keepdims ? kept : x.shape.filter((_, i) => !reduced.has(i));
  const out = ndarray(x.dtype, outShape);
  out.data.fill(init);
  const outStrides = strides(kept);
  const count = x.shape.reduce((p, d, i) => (reduced.has(i) ? p * d : p), 1);
  const coord = new Array<number>(x.shape.length).fill(0);
  for (let k = 0; k < x.data.length; k++) {
    let o = 0;
    for (let i = 0; i < coord.length; i++) if (!reduced.has(i)) o += coord[i]! * outStrides[i]!;
    out.data[o] = step(out.data[o]!, x.data[k]!);
    for (let i = coord.length - 1; i >= 0; i--) {
      if (++coord[i]! < x.shape[i]!) break;
      coord[i] = 0;
    }
  }
  for (let o = 0; o < out.data.length; o++) out.data[o] = finish(out.data[o]!, count);
  return out;
}

const reduction =
  (init: number, step: (acc: number, v: number) => number, finish?: (acc: number, count: number) => number): RefEvaluator =>
  ([x], attrs) => {
    const v = denseOf(x, 'reduction');
    return reduceAxes(v, reducedAxes(attrs, v.shape.length), attrs['keepdims'] === true, init, step, finish);
  };

export const reduceReference = {
  sum: reduction(0, (a, v) => a + v),
  // The float64 quotient, for integer inputs too (not compared with the backends, whose integer means differ by dtype rules).
  mean: reduction(
    0,
    (a, v) => a + v,
    (a, n) => a / n,
  ),
  max: reduction(-Infinity, (a, v) => (v > a || Number.isNaN(v) ? v : a)),
  min: reduction(Infinity, (a, v) => (v < a || Number.isNaN(v) ? v : a)),
} satisfies FamilyTable;
