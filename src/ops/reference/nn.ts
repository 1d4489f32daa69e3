import type { FamilyTable } from './evaluator.js';
import { axisOf, denseOf, map, ndarray, zipWith, type NdArray } from './ndarray.js';
import { reduceAxes } from './reduce.js';

/** `x - logsumexp(x)` along `axis`, shifted by the maximum so nothing overflows. */
export function logSoftmaxArray(x: NdArray, axisAttr: number): NdArray {
  const axis = axisOf(axisAttr, x.shape.length);
  const top = reduceAxes(x, [axis], true, -Infinity, (a, v) => Math.max(a, v));
  const shifted = zipWith([x, top], 'f32', (v, t) => v - t);
  const total = reduceAxes(map(shifted, Math.exp), [axis], true, 0, (a, v) => a + v);
  return zipWith([shifted, total], 'f32', (v, s) => v - Math.log(s));
}

/** Rows of zeros with a 1 at each id; an id outside [0, depth) gets a row of zeros (TF.js's rule, which the ONNX emitter repeats for negative ids). */
export function oneHotArray(ids: NdArray, depth: number): NdArray {
  const out = ndarray('f32', [...ids.shape, depth]);
  ids.data.forEach((id, k) => {
    const i = Math.trunc(id);
    if (i >= 0 && i < depth) out.data[k * depth + i] = 1;
  });
  return out;
}

export const nnReference = {
  param: { fed: 'params' },
  softmax: ([x], attrs) => map(logSoftmaxArray(denseOf(x, 'softmax'), Number(attrs['axis'])), Math.exp),
  log_softmax: ([x], attrs) => logSoftmaxArray(denseOf(x, 'log_softmax'), Number(attrs['axis'])),
  one_hot: ([ids], attrs) => oneHotArray(denseOf(ids, 'one_hot'), Number(attrs['depth'])),
  // The inference form, the identity. A training step replaces each dropout that drops
  // something by `mul(x, mask)` with the mask an input (src/ir/autodiff.ts), which the
  // caller feeds; a `rate: 0` dropout is the identity in training too.
  dropout: ([x]) => denseOf(x, 'dropout'),
} satisfies FamilyTable;
