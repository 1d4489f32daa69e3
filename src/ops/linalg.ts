import { matmulShape } from '../tensor/shapes.js';
import { tensor } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const linalgOps: readonly OpDefinition[] = [
  {
    name: 'matmul',
    family: 'linalg',
    grad: 'dense',
    doc: 'matrix product `a @ b` over the last two axes, broadcasting leading axes',
    params: [tensorParam('a'), tensorParam('b')],
    infer(input) {
      const a = dense(input, 'a');
      const b = dense(input, 'b');
      if (!a || !b || a.dtype !== 'f32' || b.dtype !== 'f32') return typeError('takes two `f32` tensors', ['a', 'b']);
      const shape = matmulShape(a.shape, b.shape);
      if (!shape.ok) return shapeError(shape.reason, ['a', 'b']);
      return ok(tensor('f32', shape.shape));
    },
  },
];
