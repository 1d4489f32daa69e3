import type { FamilyTable } from './evaluator.js';
import { denseOf, ndarray, zipWith } from './ndarray.js';
import { logSoftmaxArray } from './nn.js';

export const lossReference = {
  // -(y log q + (1 - y) log(1 - q)) with q = clip(p, eps, 1 - eps), as both emitters write it.
  binary_cross_entropy: ([p, y], attrs) => {
    const eps = Number(attrs['eps']);
    return zipWith([denseOf(p, 'binary_cross_entropy'), denseOf(y, 'binary_cross_entropy')], 'f32', (pv, yv) => {
      const q = Math.min(Math.max(pv, eps), 1 - eps);
      return -(yv * Math.log(q) + (1 - yv) * Math.log(1 - q));
    });
  },
  // max(z, 0) - z y + log1p(exp(-|z|)), as both emitters write it (ONNX's Softplus(-|z|) is that log1p).
  sigmoid_cross_entropy: ([z, y]) =>
    zipWith([denseOf(z, 'sigmoid_cross_entropy'), denseOf(y, 'sigmoid_cross_entropy')], 'f32', (zv, yv) => {
      return Math.max(zv, 0) - zv * yv + Math.log1p(Math.exp(-Math.abs(zv)));
    }),
  // -log_softmax(logits)[label] per row; a label outside [0, C) picks nothing and gives 0, as TF.js's one-hot row of zeros does.
  softmax_cross_entropy: ([logits, labels]) => {
    const ls = logSoftmaxArray(denseOf(logits, 'softmax_cross_entropy'), -1);
    const ids = denseOf(labels, 'softmax_cross_entropy');
    const [rows, classes] = ls.shape as [number, number];
    const out = ndarray('f32', [rows]);
    for (let r = 0; r < rows; r++) {
      const c = Math.trunc(ids.data[r]!);
      out.data[r] = c >= 0 && c < classes ? -ls.data[r * classes + c]! : 0;
    }
    return out;
  },
} satisfies FamilyTable;
