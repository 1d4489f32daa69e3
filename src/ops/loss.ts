import { broadcastShapes } from '../tensor/shapes.js';
import { tensor } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const lossOps: readonly OpDefinition[] = [
  {
    name: 'binary_cross_entropy',
    family: 'loss',
    grad: 'dense',
    doc: 'per-element -(y log p + (1 - y) log(1 - p)) with p clipped to [eps, 1 - eps]',
    params: [tensorParam('p'), tensorParam('y'), { name: 'eps', kind: 'float', default: 1e-7 }],
    infer(input) {
      const p = dense(input, 'p');
      const y = dense(input, 'y');
      if (!p || !y || p.dtype !== 'f32' || y.dtype !== 'f32') return typeError('takes `f32` predictions and labels', ['p', 'y']);
      const shape = broadcastShapes(p.shape, y.shape);
      if (!shape.ok) return shapeError(shape.reason, ['p', 'y']);
      return ok(tensor('f32', shape.shape));
    },
  },
  {
    name: 'softmax_cross_entropy',
    family: 'loss',
    grad: 'dense',
    doc: 'per-example -log softmax(logits)[label] for integer labels',
    params: [tensorParam('logits'), tensorParam('labels')],
    infer(input) {
      const logits = dense(input, 'logits');
      const labels = dense(input, 'labels');
      if (!logits || logits.dtype !== 'f32' || logits.shape.length !== 2) return typeError('`logits` must be `f32[B, C]`', ['logits']);
      if (!labels || (labels.dtype !== 'i32' && labels.dtype !== 'i64') || labels.shape.length !== 1) return typeError('`labels` must be integer ids `i32[B]`', ['labels']);
      if (labels.shape[0] !== logits.shape[0]) return shapeError('batch dimensions differ', ['logits', 'labels']);
      return ok(tensor('f32', [logits.shape[0]!]));
    },
  },
];
