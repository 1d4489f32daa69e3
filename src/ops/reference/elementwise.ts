import type { AttrValue } from '../../tensor/attrValue.js';
import type { FamilyTable, RefEvaluator } from './evaluator.js';
import { denseOf, map, zipWith, type RefDType } from './ndarray.js';

type Attrs = Readonly<Record<string, AttrValue>>;

const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/**
 * The unary float ops on one number, as TF.js and the ONNX graph compute them (gelu: the
 * tanh approximation both use; softplus in the form that does not overflow).
 */
export const unaryScalar = {
  neg: (x: number) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  square: (x: number) => x * x,
  relu: (x: number) => (x > 0 ? x : 0),
  leaky_relu: (x: number, a: Attrs) => (x < 0 ? Number(a['alpha']) * x : x),
  elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  gelu,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  softplus: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  clip: (x: number, a: Attrs) => Math.min(Math.max(x, Number(a['min'])), Number(a['max'])),
} satisfies Readonly<Record<string, (x: number, attrs: Attrs) => number>>;

/** The remainder with the sign of b (TF.js's `mod`, the ONNX emitter's correction of `fmod`). */
function mod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

const isInt = (dtype: RefDType): boolean => dtype === 'i32' || dtype === 'i64';

/** The arithmetic binary ops on two numbers of `dtype`: integers divide by flooring, as TF.js does and the ONNX emitter repeats. */
export const binaryScalar = {
  add: (a: number, b: number) => a + b,
  sub: (a: number, b: number) => a - b,
  mul: (a: number, b: number) => a * b,
  div: (a: number, b: number, dtype: RefDType) => (isInt(dtype) ? Math.floor(a / b) : a / b),
  pow: (a: number, b: number) => a ** b,
  mod: (a: number, b: number) => mod(a, b),
  minimum: (a: number, b: number) => Math.min(a, b),
  maximum: (a: number, b: number) => Math.max(a, b),
} satisfies Readonly<Record<string, (a: number, b: number, dtype: RefDType) => number>>;

const comparisons = {
  equal: (a: number, b: number) => a === b,
  not_equal: (a: number, b: number) => a !== b,
  less: (a: number, b: number) => a < b,
  less_equal: (a: number, b: number) => a <= b,
  greater: (a: number, b: number) => a > b,
  greater_equal: (a: number, b: number) => a >= b,
  logical_and: (a: number, b: number) => a !== 0 && b !== 0,
  logical_or: (a: number, b: number) => a !== 0 || b !== 0,
} satisfies Readonly<Record<string, (a: number, b: number) => boolean>>;

const unary =
  (f: (x: number, attrs: Attrs) => number): RefEvaluator =>
  ([x], attrs) =>
    map(denseOf(x, 'unary'), (v) => f(v, attrs));

const binary =
  (f: (a: number, b: number, dtype: RefDType) => number): RefEvaluator =>
  ([a, b]) => {
    const x = denseOf(a, 'binary');
    return zipWith([x, denseOf(b, 'binary')], x.dtype, (p, q) => f(p, q, x.dtype));
  };

const compare =
  (f: (a: number, b: number) => boolean): RefEvaluator =>
  ([a, b]) =>
    zipWith([denseOf(a, 'comparison'), denseOf(b, 'comparison')], 'bool', (p, q) => (f(p, q) ? 1 : 0));

/**
 * `cast`: to `bool` by comparing with 0 (as the TF.js emitter does); float to integer
 * truncates toward zero, as TF.js's and ONNX Runtime's Cast do.
 */
const cast: RefEvaluator = ([x], attrs) => {
  const to = attrs['dtype'] as RefDType;
  const v = denseOf(x, 'cast');
  if (to === 'bool') return map(v, (e) => (e !== 0 ? 1 : 0), 'bool');
  if (isInt(to)) return map(v, Math.trunc, to);
  return map(v, (e) => e, to);
};

export const elementwiseReference = {
  neg: unary(unaryScalar.neg),
  abs: unary(unaryScalar.abs),
  exp: unary(unaryScalar.exp),
  log: unary(unaryScalar.log),
  log1p: unary(unaryScalar.log1p),
  sqrt: unary(unaryScalar.sqrt),
  square: unary(unaryScalar.square),
  relu: unary(unaryScalar.relu),
  leaky_relu: unary(unaryScalar.leaky_relu),
  elu: unary(unaryScalar.elu),
  gelu: unary(unaryScalar.gelu),
  sigmoid: unary(unaryScalar.sigmoid),
  tanh: unary(unaryScalar.tanh),
  softplus: unary(unaryScalar.softplus),
  clip: unary(unaryScalar.clip),
  add: binary(binaryScalar.add),
  sub: binary(binaryScalar.sub),
  mul: binary(binaryScalar.mul),
  div: binary(binaryScalar.div),
  pow: binary(binaryScalar.pow),
  mod: binary(binaryScalar.mod),
  minimum: binary(binaryScalar.minimum),
  maximum: binary(binaryScalar.maximum),
  equal: compare(comparisons.equal),
  not_equal: compare(comparisons.not_equal),
  less: compare(comparisons.less),
  less_equal: compare(comparisons.less_equal),
  greater: compare(comparisons.greater),
  greater_equal: compare(comparisons.greater_equal),
  logical_and: compare(comparisons.logical_and),
  logical_or: compare(comparisons.logical_or),
  logical_not: ([x]) => map(denseOf(x, 'logical_not'), (v) => (v !== 0 ? 0 : 1), 'bool'),
  where: ([c, a, b]) => {
    const x = denseOf(a, 'where');
    return zipWith([denseOf(c, 'where'), x, denseOf(b, 'where')], x.dtype, (k, p, q) => (k !== 0 ? p : q));
  },
  cast,
} satisfies FamilyTable;
