import { broadcastShapes } from '../tensor/shapes.js';
import { tensor } from '../tensor/types.js';
import { masked, unbroadcast, type GradValue } from './vjp.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const lossOps: readonly OpDefinition[] = [
  {
    name: 'binary_cross_entropy',
    family: 'loss',
    // With q = clip(p, eps, 1 - eps): d/dp = (q - y) / (q (1 - q)) where p is inside the
    // clip (0 outside, as the clip's own gradient), d/dy = log(1 - q) - log(q).
    grad: (b, n, g) => {
      const [p, y] = n.inputs as [GradValue, GradValue];
      const eps = Number(n.attrs['eps']);
      const q = b.op('clip', [p], { min: eps, max: 1 - eps });
      const one = b.scalar(1);
      const notQ = b.op('sub', [one, q]);
      const dp = b.op('div', [b.op('sub', [q, y]), b.op('mul', [q, notQ])]);
      const inside = b.op('logical_and', [b.op('greater_equal', [p, b.scalar(eps)]), b.op('less_equal', [p, b.scalar(1 - eps)])]);
      const dy = b.op('sub', [b.op('log', [notQ]), b.op('log', [q])]);
      return [unbroadcast(b, masked(b, inside, b.op('mul', [g, dp])), p), unbroadcast(b, b.op('mul', [g, dy]), y)];
    },
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
    name: 'sigmoid_cross_entropy',
    family: 'loss',
    // d/dz = sigmoid(z) - y, exact everywhere (the formula's |z| and max(z, 0) have kinks at
    // 0 that a derivative taken through them gets wrong); d/dy = -z.
    grad: (b, n, g) => {
      const [z, y] = n.inputs as [GradValue, GradValue];
      const dz = b.op('sub', [b.op('sigmoid', [z]), y]);
      return [unbroadcast(b, b.op('mul', [g, dz]), z), unbroadcast(b, b.op('mul', [g, b.op('neg', [z])]), y)];
    },
    doc: 'per-element binary cross-entropy of `sigmoid(logits)`, computed from the logits as max(z, 0) - z y + log(1 + exp(-|z|)): no clipping, no overflow',
    params: [tensorParam('logits'), tensorParam('y')],
    infer(input) {
      const z = dense(input, 'logits');
      const y = dense(input, 'y');
      if (!z || !y || z.dtype !== 'f32' || y.dtype !== 'f32') return typeError('takes `f32` logits and labels', ['logits', 'y']);
      const shape = broadcastShapes(z.shape, y.shape);
      if (!shape.ok) return shapeError(shape.reason, ['logits', 'y']);
      return ok(tensor('f32', shape.shape));
    },
  },
  {
    name: 'softmax_cross_entropy',
    family: 'loss',
    // d/dlogits = (softmax(logits) - one_hot(labels)) * g per example; labels get none.
    grad: (b, n, g) => {
      const [logits, labels] = n.inputs as [GradValue, GradValue];
      const depth = b.type(logits).shape[1] as number;
      const diff = b.op('sub', [b.op('softmax', [logits], { axis: -1 }), b.op('one_hot', [labels], { depth })]);
      return [b.op('mul', [diff, b.op('expand_dims', [g], { axis: -1 })]), null];
    },
    doc: 'per-example -log softmax(logits)[label] for integer labels',
    params: [tensorParam('logits'), tensorParam('labels')],
    infer(input) {
      const logits = dense(input, 'logits');
      const labels = dense(input, 'labels');
      if (!logits || logits.dtype !== 'f32' || logits.shape.length !== 2) return typeError('`logits` must be `f32[B, C]`', ['logits']);
      if (!labels || (labels.dtype !== 'i32' && labels.dtype !== 'i64') || labels.shape.length !== 1)
        return typeError('`labels` must be integer ids `i32[B]`', ['labels']);
      if (labels.shape[0] !== logits.shape[0]) return shapeError('batch dimensions differ', ['logits', 'labels']);
      return ok(tensor('f32', [logits.shape[0]!]));
    },
  },
];
