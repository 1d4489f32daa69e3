import { broadcastShapes } from '../tensor/shapes.js';
import { formatType, tensor, type DType } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';
import { masked, scaled, unbroadcast, type GradValue, type Vjp, type VjpBuilder } from './vjp.js';

/** The gradients of a binary op `a ∘ b` from the gradients before unbroadcasting (`null`: none). */
const binaryVjp =
  (f: (b: VjpBuilder, a: GradValue, c: GradValue, y: GradValue, g: GradValue) => readonly [GradValue, GradValue]): Vjp =>
  (b, n, g) => {
    const [a, c] = n.inputs as [GradValue, GradValue];
    const [ga, gc] = f(b, a, c, n.output, g);
    return [unbroadcast(b, ga, a), unbroadcast(b, gc, c)];
  };

/** d gelu(x) / dx for the tanh approximation: 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2), t = tanh(c (x + k x^3)). */
function geluSlope(b: VjpBuilder, x: GradValue): GradValue {
  const c = Math.sqrt(2 / Math.PI);
  const k = 0.044715;
  const x2 = b.op('square', [x]);
  const inner = b.op('mul', [b.scalar(c), b.op('add', [x, b.op('mul', [b.scalar(k), b.op('mul', [x2, x])])])]);
  const t = b.op('tanh', [inner]);
  const left = b.op('mul', [b.scalar(0.5), b.op('add', [b.scalar(1), t])]);
  const dInner = b.op('mul', [b.scalar(c), b.op('add', [b.scalar(1), b.op('mul', [b.scalar(3 * k), x2])])]);
  const right = b.op('mul', [b.op('mul', [b.scalar(0.5), x]), b.op('mul', [b.op('sub', [b.scalar(1), b.op('square', [t])]), dInner])]);
  return b.op('add', [left, right]);
}

const positive = (b: VjpBuilder, x: GradValue): GradValue => b.op('greater', [x, b.scalar(0)]);
const asFloat = (b: VjpBuilder, cond: GradValue): GradValue => b.op('cast', [cond], { dtype: 'f32' });

function unaryFloat(name: string, doc: string, grad: Vjp, extra: OpDefinition['params'] = []): OpDefinition {
  return {
    name,
    family: 'elementwise',
    grad,
    doc,
    params: [tensorParam('x'), ...extra],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError(`takes an \`f32\` tensor, not \`${x ? formatType(x) : 'sparse ids'}\``, ['x']);
      return ok(tensor('f32', x.shape));
    },
  };
}

function binary(name: string, doc: string, result: 'same' | 'bool', accepts: readonly DType[], grad: Vjp | 'none'): OpDefinition {
  return {
    name,
    family: 'elementwise',
    grad,
    doc,
    params: [tensorParam('a'), tensorParam('b')],
    infer(input) {
      const a = dense(input, 'a');
      const b = dense(input, 'b');
      if (!a || !b) return typeError('takes dense tensors', [a ? 'b' : 'a']);
      if (a.dtype !== b.dtype)
        return typeError(`operands have different dtypes, \`${a.dtype}\` and \`${b.dtype}\`; convert one with \`cast\``, ['a', 'b']);
      if (!accepts.includes(a.dtype)) return typeError(`does not take \`${a.dtype}\` tensors`, ['a']);
      const shape = broadcastShapes(a.shape, b.shape);
      if (!shape.ok) return shapeError(shape.reason, ['a', 'b']);
      return ok(tensor(result === 'bool' ? 'bool' : a.dtype, shape.shape));
    },
  };
}

const numeric: readonly DType[] = ['f32', 'i32', 'i64'];
const comparable: readonly DType[] = ['f32', 'i32', 'i64', 'bool'];

export const elementwiseOps: readonly OpDefinition[] = [
  unaryFloat('neg', 'negation, `-x`', (b, _n, g) => [b.op('neg', [g])]),
  unaryFloat(
    'abs',
    'absolute value',
    scaled((b, x) => b.op('sub', [asFloat(b, positive(b, x)), asFloat(b, b.op('less', [x, b.scalar(0)]))])),
  ),
  unaryFloat(
    'exp',
    'e to the power x',
    scaled((_b, _x, y) => y),
  ),
  unaryFloat('log', 'natural logarithm', (b, n, g) => [b.op('div', [g, n.inputs[0]!])]),
  unaryFloat('log1p', 'log(1 + x), exact near 0; also a feature transform', (b, n, g) => [
    b.op('div', [g, b.op('add', [n.inputs[0]!, b.scalar(1)])]),
  ]),
  unaryFloat('sqrt', 'square root', (b, n, g) => [b.op('div', [b.op('mul', [g, b.scalar(0.5)]), n.output])]),
  unaryFloat(
    'square',
    'x * x',
    scaled((b, x) => b.op('mul', [x, b.scalar(2)])),
  ),
  unaryFloat('relu', 'max(x, 0)', (b, n, g) => [masked(b, positive(b, n.inputs[0]!), g)]),
  unaryFloat(
    'leaky_relu',
    'x when positive, alpha * x otherwise',
    (b, n, g) => [b.op('where', [positive(b, n.inputs[0]!), g, b.op('mul', [g, b.scalar(Number(n.attrs['alpha']))])])],
    [{ name: 'alpha', kind: 'float', default: 0.2 }],
  ),
  unaryFloat('elu', 'x when positive, exp(x) - 1 otherwise', (b, n, g) => [
    b.op('where', [positive(b, n.inputs[0]!), g, b.op('mul', [g, b.op('add', [n.output, b.scalar(1)])])]),
  ]),
  unaryFloat(
    'gelu',
    'x * Phi(x), with the tanh approximation',
    scaled((b, x) => geluSlope(b, x)),
  ),
  unaryFloat(
    'sigmoid',
    '1 / (1 + exp(-x))',
    scaled((b, _x, y) => b.op('mul', [y, b.op('sub', [b.scalar(1), y])])),
  ),
  unaryFloat(
    'tanh',
    'hyperbolic tangent',
    scaled((b, _x, y) => b.op('sub', [b.scalar(1), b.op('square', [y])])),
  ),
  unaryFloat(
    'softplus',
    'log(1 + exp(x))',
    scaled((b, x) => b.op('sigmoid', [x])),
  ),
  unaryFloat(
    'clip',
    'x limited to [min, max]; also a feature transform',
    (b, n, g) => {
      const x = n.inputs[0]!;
      const inside = b.op('logical_and', [
        b.op('greater_equal', [x, b.scalar(Number(n.attrs['min']))]),
        b.op('less_equal', [x, b.scalar(Number(n.attrs['max']))]),
      ]);
      return [masked(b, inside, g)];
    },
    [
      { name: 'min', kind: 'float', default: -3.4e38 },
      { name: 'max', kind: 'float', default: 3.4e38 },
    ],
  ),
  binary(
    'add',
    'a + b, broadcasting',
    'same',
    numeric,
    binaryVjp((_b, _a, _c, _y, g) => [g, g]),
  ),
  binary(
    'sub',
    'a - b, broadcasting',
    'same',
    numeric,
    binaryVjp((b, _a, _c, _y, g) => [g, b.op('neg', [g])]),
  ),
  binary(
    'mul',
    'a * b, broadcasting',
    'same',
    numeric,
    binaryVjp((b, a, c, _y, g) => [b.op('mul', [g, c]), b.op('mul', [g, a])]),
  ),
  binary(
    'div',
    'a / b, broadcasting',
    'same',
    numeric,
    binaryVjp((b, _a, c, y, g) => [b.op('div', [g, c]), b.op('neg', [b.op('div', [b.op('mul', [g, y]), c])])]),
  ),
  binary(
    'pow',
    'a ^ b, broadcasting',
    'same',
    ['f32'],
    binaryVjp((b, a, c, y, g) => [
      b.op('mul', [g, b.op('mul', [c, b.op('pow', [a, b.op('sub', [c, b.scalar(1)])])])]),
      // d/db a^b = a^b log a, taken as 0 where a <= 0 (as TensorFlow does).
      masked(b, positive(b, a), b.op('mul', [g, b.op('mul', [y, b.op('log', [b.op('maximum', [a, b.scalar(1e-30)])])])])),
    ]),
  ),
  binary('mod', 'a % b, broadcasting, with the sign of b', 'same', numeric, 'none'),
  binary(
    'minimum',
    'the smaller of a and b, broadcasting',
    'same',
    numeric,
    binaryVjp((b, a, c, _y, g) => [masked(b, b.op('less_equal', [a, c]), g), masked(b, b.op('greater', [a, c]), g)]),
  ),
  binary(
    'maximum',
    'the larger of a and b, broadcasting',
    'same',
    numeric,
    binaryVjp((b, a, c, _y, g) => [masked(b, b.op('greater_equal', [a, c]), g), masked(b, b.op('less', [a, c]), g)]),
  ),
  binary('equal', 'a == b, broadcasting', 'bool', comparable, 'none'),
  binary('not_equal', 'a != b, broadcasting', 'bool', comparable, 'none'),
  binary('less', 'a < b, broadcasting', 'bool', numeric, 'none'),
  binary('less_equal', 'a <= b, broadcasting', 'bool', numeric, 'none'),
  binary('greater', 'a > b, broadcasting', 'bool', numeric, 'none'),
  binary('greater_equal', 'a >= b, broadcasting', 'bool', numeric, 'none'),
  binary('logical_and', 'a and b, broadcasting', 'bool', ['bool'], 'none'),
  binary('logical_or', 'a or b, broadcasting', 'bool', ['bool'], 'none'),
  {
    name: 'logical_not',
    family: 'elementwise',
    grad: 'none',
    doc: 'not x',
    params: [tensorParam('x')],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'bool') return typeError('takes a `bool` tensor', ['x']);
      return ok(x);
    },
  },
  {
    name: 'where',
    family: 'elementwise',
    grad: (b, n, g) => {
      const [c, a, e] = n.inputs as [GradValue, GradValue, GradValue];
      return [null, unbroadcast(b, masked(b, c, g), a), unbroadcast(b, b.op('where', [c, b.scalar(0), g]), e)];
    },
    doc: 'a where cond holds, b elsewhere, broadcasting',
    params: [tensorParam('cond'), tensorParam('a'), tensorParam('b')],
    infer(input) {
      const c = dense(input, 'cond');
      const a = dense(input, 'a');
      const b = dense(input, 'b');
      if (!c || c.dtype !== 'bool') return typeError('`cond` must be a `bool` tensor', ['cond']);
      if (!a || !b || a.dtype !== b.dtype) return typeError('`a` and `b` must be tensors of one dtype', ['a', 'b']);
      const ab = broadcastShapes(a.shape, b.shape);
      if (!ab.ok) return shapeError(ab.reason, ['a', 'b']);
      const all = broadcastShapes(c.shape, ab.shape);
      if (!all.ok) return shapeError(all.reason, ['cond', 'a']);
      return ok(tensor(a.dtype, all.shape));
    },
  },
  {
    name: 'cast',
    family: 'elementwise',
    // Only a float-to-float cast passes a gradient; integers and booleans stop it.
    grad: (b, n, g) => [b.type(n.inputs[0]!).dtype === 'f32' ? g : null],
    doc: 'converts to another dtype (`"f32"`, `"i32"`, `"i64"`, `"bool"`)',
    params: [tensorParam('x'), { name: 'dtype', kind: 'dtype' }],
    infer(input) {
      const x = dense(input, 'x');
      const to = input.attrs['dtype'] as DType;
      if (!x || x.dtype === 'string' || to === 'string') return typeError('converts between numeric and bool tensors only', ['x']);
      return ok(tensor(to, x.shape));
    },
  },
];
