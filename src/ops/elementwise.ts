import { broadcastShapes } from '../tensor/shapes.js';
import { formatType, tensor, type DType } from '../tensor/types.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

function unaryFloat(name: string, doc: string, extra: OpDefinition['params'] = []): OpDefinition {
  return {
    name,
    family: 'elementwise',
    grad: 'dense',
    doc,
    params: [tensorParam('x'), ...extra],
    infer(input) {
      const x = dense(input, 'x');
      if (!x || x.dtype !== 'f32') return typeError(`takes an \`f32\` tensor, not \`${x ? formatType(x) : 'sparse ids'}\``, ['x']);
      return ok(tensor('f32', x.shape));
    },
  };
}

function binary(name: string, doc: string, result: 'same' | 'bool', accepts: readonly DType[], grad: 'dense' | 'none'): OpDefinition {
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
      if (a.dtype !== b.dtype) return typeError(`operands have different dtypes, \`${a.dtype}\` and \`${b.dtype}\`; convert one with \`cast\``, ['a', 'b']);
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
  unaryFloat('neg', 'negation, `-x`'),
  unaryFloat('abs', 'absolute value'),
  unaryFloat('exp', 'e to the power x'),
  unaryFloat('log', 'natural logarithm'),
  unaryFloat('log1p', 'log(1 + x), exact near 0; also a feature transform'),
  unaryFloat('sqrt', 'square root'),
  unaryFloat('square', 'x * x'),
  unaryFloat('relu', 'max(x, 0)'),
  unaryFloat('leaky_relu', 'x when positive, alpha * x otherwise', [{ name: 'alpha', kind: 'float', default: 0.2 }]),
  unaryFloat('elu', 'x when positive, exp(x) - 1 otherwise'),
  unaryFloat('gelu', 'x * Phi(x), with the tanh approximation'),
  unaryFloat('sigmoid', '1 / (1 + exp(-x))'),
  unaryFloat('tanh', 'hyperbolic tangent'),
  unaryFloat('softplus', 'log(1 + exp(x))'),
  unaryFloat('clip', 'x limited to [min, max]; also a feature transform', [
    { name: 'min', kind: 'float', default: -3.4e38 },
    { name: 'max', kind: 'float', default: 3.4e38 },
  ]),
  binary('add', 'a + b, broadcasting', 'same', numeric, 'dense'),
  binary('sub', 'a - b, broadcasting', 'same', numeric, 'dense'),
  binary('mul', 'a * b, broadcasting', 'same', numeric, 'dense'),
  binary('div', 'a / b, broadcasting', 'same', numeric, 'dense'),
  binary('pow', 'a ^ b, broadcasting', 'same', ['f32'], 'dense'),
  binary('mod', 'a % b, broadcasting, with the sign of b', 'same', numeric, 'none'),
  binary('minimum', 'the smaller of a and b, broadcasting', 'same', numeric, 'dense'),
  binary('maximum', 'the larger of a and b, broadcasting', 'same', numeric, 'dense'),
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
    grad: 'dense',
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
    grad: 'dense',
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
