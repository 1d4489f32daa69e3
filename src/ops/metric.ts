import { sameShape, tensor } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

/**
 * Metrics reduce over a whole evaluation set, not a batch: the trainer accumulates their
 * inputs across batches and computes them once. Arithmetic on their scalar results (RCE
 * from log loss and the base rate) is ordinary ops evaluated afterwards.
 */
function setMetric(name: string, doc: string): OpDefinition {
  return {
    name,
    family: 'metric',
    grad: 'none',
    phase: 'eval',
    doc,
    params: [tensorParam('p'), tensorParam('y')],
    infer(input) {
      const p = dense(input, 'p');
      const y = dense(input, 'y');
      if (!p || !y || p.dtype !== 'f32' || y.dtype !== 'f32') return typeError('takes `f32` predictions and labels', ['p', 'y']);
      if (!sameShape(p.shape, y.shape)) return shapeError('predictions and labels must have one shape', ['p', 'y']);
      return ok(tensor('f32', []));
    },
  };
}

export const metricOps: readonly OpDefinition[] = [
  setMetric('metric_auc', 'area under the ROC curve over the evaluation set'),
  setMetric('metric_pr_auc', 'area under the precision-recall curve (average precision) over the evaluation set'),
  {
    name: 'metric_mean',
    family: 'metric',
    grad: 'none',
    phase: 'eval',
    doc: 'the mean of x over every element of the evaluation set',
    params: [tensorParam('x')],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError('takes an `f32` tensor', ['x']);
      return ok(tensor('f32', []));
    },
  },
];
