import { normalizeAxis } from '../tensor/shapes.js';
import { formatType, tensor } from '../tensor/types.js';
import type { Vjp } from './vjp.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

/** Parameter initializers `param(..., init: ...)` accepts. */
export const initializers = ['zeros', 'ones', 'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'normal', 'uniform'];

/** An op over one axis of an `f32` tensor that keeps its shape (softmax and its log). */
function alongAxis(name: string, doc: string, grad: Vjp): OpDefinition {
  return {
    name,
    family: 'nn',
    grad,
    doc,
    params: [tensorParam('x'), { name: 'axis', kind: 'int', default: -1 }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError('takes an `f32` tensor', ['x']);
      const axis = normalizeAxis(input.attrs['axis'] as number, x.shape.length);
      if (axis === null) return shapeError(`axis ${String(input.attrs['axis'])} is out of range for rank ${x.shape.length}`, ['x']);
      return ok(x, { axis });
    },
  };
}

export const nnOps: readonly OpDefinition[] = [
  {
    name: 'param',
    family: 'nn',
    // A leaf: the autodiff pass collects the gradient arriving here.
    grad: () => [],
    stateful: true,
    doc: 'a trainable parameter of `shape`, initialized by `init` (with `std` for `normal`, `uniform`); named after the variable it is assigned to',
    params: [
      { name: 'shape', kind: 'ints' },
      { name: 'init', kind: 'string', default: 'glorot_uniform' },
      { name: 'std', kind: 'float', default: 0.05 },
      { name: 'name', kind: 'string', default: null },
    ],
    infer(input) {
      const shape = input.attrs['shape'] as number[];
      if (shape.some((d) => !Number.isInteger(d) || d <= 0))
        return shapeError(`every dimension must be a positive integer, not [${shape.join(', ')}]`);
      if (!initializers.includes(input.attrs['init'] as string))
        return typeError(
          `unknown initializer \`${String(input.attrs['init'])}\`; use one of ${initializers.map((i) => `\`${i}\``).join(', ')}`,
          [],
          'init',
        );
      return ok(tensor('f32', shape));
    },
  },
  alongAxis('softmax', 'exp(x) normalized to sum to 1 along `axis`', (b, n, g) => {
    // y * (g - sum(g * y)) along the axis.
    const y = n.output;
    const dot = b.op('sum', [b.op('mul', [g, y])], { axes: [Number(n.attrs['axis'])], keepdims: true });
    return [b.op('mul', [y, b.op('sub', [g, dot])])];
  }),
  alongAxis('log_softmax', 'log(softmax(x)) along `axis`, computed stably', (b, n, g) => {
    // g - exp(y) * sum(g) along the axis.
    const total = b.op('sum', [g], { axes: [Number(n.attrs['axis'])], keepdims: true });
    return [b.op('sub', [g, b.op('mul', [b.op('exp', [n.output]), total])])];
  }),
  {
    name: 'one_hot',
    family: 'nn',
    grad: 'none',
    doc: "ids to one-hot float vectors; `depth` defaults to the ids' vocabulary size",
    params: [tensorParam('ids'), { name: 'depth', kind: 'int', default: null }],
    infer(input) {
      const ids = dense(input, 'ids');
      if (!ids || (ids.dtype !== 'i32' && ids.dtype !== 'i64'))
        return typeError(`takes integer ids, not \`${ids ? formatType(ids) : 'sparse ids'}\``, ['ids']);
      const depth = (input.attrs['depth'] as number | null) ?? ids.vocab;
      if (depth === undefined || depth === null)
        return typeError('needs `depth`: these ids have no known vocabulary size', ['ids'], 'depth');
      return ok(tensor('f32', [...ids.shape, depth]), { depth });
    },
  },
  {
    name: 'dropout',
    family: 'nn',
    // The kept elements pass g / (1 - rate), the dropped ones nothing: y / x is the scale
    // where x is not 0; where it is, the element is taken as kept.
    grad: (b, n, g) => {
      const x = n.inputs[0]!;
      const nonzero = b.op('not_equal', [x, b.scalar(0)]);
      const scale = b.op('where', [
        nonzero,
        b.op('div', [n.output, b.op('where', [nonzero, x, b.scalar(1)])]),
        b.scalar(1 / (1 - Number(n.attrs['rate']))),
      ]);
      return [b.op('mul', [g, scale])];
    },
    stateful: true,
    phase: 'train',
    doc: 'zeroes a `rate` fraction of x while training and rescales the rest; the identity at inference',
    params: [tensorParam('x'), { name: 'rate', kind: 'float', default: 0.1 }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError('takes an `f32` tensor', ['x']);
      const rate = input.attrs['rate'] as number;
      if (!(rate >= 0 && rate < 1)) return typeError(`\`rate\` must be in [0, 1), not ${rate}`, [], 'rate');
      return ok(x);
    },
  },
];
