import type { FamilyTable } from './evaluator.js';
import { broadcastIndex, broadcastShape, denseOf, ndarray, reshaped, size, type NdArray } from './ndarray.js';

/**
 * `a @ b` over the last two axes, leading axes broadcast as NumPy's matmul does; a rank-1
 * `b` is a column vector whose axis is dropped again (the TF.js emitter's expand and
 * squeeze, ONNX MatMul's rule).
 */
export function matmulArrays(a: NdArray, b: NdArray): NdArray {
  if (b.shape.length === 1) {
    const product = matmulArrays(a, reshaped(b, [b.shape[0]!, 1]));
    return reshaped(product, product.shape.slice(0, -1));
  }
  const [n, k] = a.shape.slice(-2) as [number, number];
  const [k2, m] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`matmul: inner dimensions ${k} and ${k2} differ`);
  const lead = broadcastShape([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  const ia = broadcastIndex(a.shape.slice(0, -2), lead);
  const ib = broadcastIndex(b.shape.slice(0, -2), lead);
  const out = ndarray('f32', [...lead, n, m]);
  for (let batch = 0; batch < size(lead); batch++) {
    const oa = ia[batch]! * n * k;
    const ob = ib[batch]! * k * m;
    const oo = batch * n * m;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[oa + i * k + p]! * b.data[ob + p * m + j]!;
        out.data[oo + i * m + j] = s;
      }
  }
  return out;
}

export const linalgReference = {
  matmul: ([a, b]) => matmulArrays(denseOf(a, 'matmul'), denseOf(b, 'matmul')),
} satisfies FamilyTable;
