import { normalizeAxis } from '../tensor/shapes.js';
import { tensor, type Dim } from '../tensor/types.js';
import { masked, unreduce, type Vjp, type VjpNode } from './vjp.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

function reduction(name: string, doc: string, grad: Vjp): OpDefinition {
  return {
    name,
    family: 'reduce',
    grad,
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

const axesOf = (n: VjpNode): number[] => n.attrs['axes'] as number[];

/** max and min pass g to every element equal to the result. */
const extremumVjp: Vjp = (b, n, g) => {
  const x = n.inputs[0]!;
  const keep = n.attrs['keepdims'] === true;
  const hit = b.op('equal', [x, unreduce(b, n.output, x, axesOf(n), keep)]);
  return [masked(b, hit, unreduce(b, g, x, axesOf(n), keep))];
};

export const reduceOps: readonly OpDefinition[] = [
  reduction('sum', 'sum over `axes` (all by default)', (b, n, g) => [
    unreduce(b, g, n.inputs[0]!, axesOf(n), n.attrs['keepdims'] === true),
  ]),
  reduction('mean', 'mean over `axes` (all by default)', (b, n, g) => {
    // The count comes from the graph, as the batch axis has no size before it runs.
    const x = n.inputs[0]!;
    const count = b.op('sum', [b.op('broadcast_to', [b.scalar(1), x])], { axes: axesOf(n), keepdims: n.attrs['keepdims'] === true });
    return [unreduce(b, b.op('div', [g, count]), x, axesOf(n), n.attrs['keepdims'] === true)];
  }),
  reduction('max', 'maximum over `axes` (all by default)', extremumVjp),
  reduction('min', 'minimum over `axes` (all by default)', extremumVjp),
];
