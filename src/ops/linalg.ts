import { matmulShape } from '../tensor/shapes.js';
import { tensor } from '../tensor/types.js';
import { range, unbroadcast, type GradValue } from './vjp.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const linalgOps: readonly OpDefinition[] = [
  {
    name: 'matmul',
    family: 'linalg',
    // d/da = g @ b^T and d/db = a^T @ g over the last two axes; vectors are taken as a row
    // (a) or a column (b) and their axis dropped again; broadcast leading axes are summed.
    grad: (b, n, g) => {
      const [a, c] = n.inputs as [GradValue, GradValue];
      const ra = b.type(a).shape.length;
      const rc = b.type(c).shape.length;
      const a2 = ra === 1 ? b.op('expand_dims', [a], { axis: 0 }) : a;
      const c2 = rc === 1 ? b.op('expand_dims', [c], { axis: -1 }) : c;
      let g2 = g;
      if (ra === 1) g2 = b.op('expand_dims', [g2], { axis: rc === 1 ? 0 : -2 });
      if (rc === 1) g2 = b.op('expand_dims', [g2], { axis: -1 });
      const swap = (v: GradValue): GradValue => {
        const r = b.type(v).shape.length;
        return b.op('transpose', [v], { perm: [...range(r - 2), r - 1, r - 2] });
      };
      let ga = unbroadcast(b, b.op('matmul', [g2, swap(c2)]), a2);
      let gc = unbroadcast(b, b.op('matmul', [swap(a2), g2]), c2);
      if (ra === 1) ga = b.op('squeeze', [ga], { axis: 0 });
      if (rc === 1) gc = b.op('squeeze', [gc], { axis: -1 });
      return [ga, gc];
    },
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
