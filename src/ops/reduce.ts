import { normalizeAxis } from '../tensor/shapes.js';
import { tensor, type Dim } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

function reduction(name: string, doc: string): OpDefinition {
  return {
    name,
    family: 'reduce',
    grad: 'dense',
    doc,
    params: [tensorParam('x'), { name: 'axes', kind: 'ints', default: null }, { name: 'keepdims', kind: 'bool', default: false }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype === 'string' || x.dtype === 'bool') return typeError('takes a numeric tensor', ['x']);
      const given = input.attrs['axes'] as number[] | null;
      const axes: number[] = [];
      for (const a of given ?? x.shape.map((_, i) => i)) {
        const n = normalizeAxis(a, x.shape.length);
        if (n === null) return shapeError(`axis ${a} is out of range for rank ${x.shape.length}`, ['x']);
        axes.push(n);
      }
      const keep = input.attrs['keepdims'] === true;
      const shape: Dim[] = [];
      x.shape.forEach((d, i) => {
        if (!axes.includes(i)) shape.push(d);
        else if (keep) shape.push(1);
      });
      // Normalized axes in the attributes, so backends need not know the input rank.
      return ok(tensor(x.dtype, shape), { axes: [...new Set(axes)].sort((p, q) => p - q) });
    },
  };
}

export const reduceOps: readonly OpDefinition[] = [
  reduction('sum', 'sum over `axes` (all by default)'),
  reduction('mean', 'mean over `axes` (all by default)'),
  reduction('max', 'maximum over `axes` (all by default)'),
  reduction('min', 'minimum over `axes` (all by default)'),
];
