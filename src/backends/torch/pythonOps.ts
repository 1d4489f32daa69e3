import type { IrNode } from '../../ir/ir.js';
import type { AttrValue } from '../../tensor/attrValue.js';

/** A Python literal for an attribute value (numbers, strings, booleans, lists). */
export function py(value: AttrValue | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? Number.isInteger(value)
        ? String(value)
        : String(value)
      : value > 0
        ? 'math.inf'
        : value < 0
          ? '-math.inf'
          : 'math.nan';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => py(v)).join(', ')}]`;
  return JSON.stringify(value);
}

/** `x[...]` for the IR's `slice` spec: a number indexes (dropping the axis), `[start, stop, step]` slices; Python's slicing normalizes as the IR specifies. */
function sliceExpr(x: string, spec: readonly AttrValue[]): string {
  const parts = spec.map((s) => {
    if (s === null || s === undefined) return ':';
    if (typeof s === 'number') return String(s);
    const [start, stop, step] = s as [number | null, number | null, number];
    return `${start === null ? '' : start}:${stop === null ? '' : stop}${step === 1 ? '' : `:${step}`}`;
  });
  return `${x}[${parts.join(', ')}]`;
}

const unary: Readonly<Record<string, (x: string, a: Readonly<Record<string, AttrValue>>) => string>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `torch.abs(${x})`,
  exp: (x) => `torch.exp(${x})`,
  log: (x) => `torch.log(${x})`,
  log1p: (x) => `torch.log1p(${x})`,
  sqrt: (x) => `torch.sqrt(${x})`,
  square: (x) => `${x} * ${x}`,
  relu: (x) => `torch.relu(${x})`,
  leaky_relu: (x, a) => `F.leaky_relu(${x}, ${py(a['alpha'])})`,
  elu: (x) => `F.elu(${x})`,
  // The tanh approximation, as the TF.js emitter and ONNX's Gelu(approximate="tanh") compute it.
  gelu: (x) => `F.gelu(${x}, approximate="tanh")`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softplus: (x) => `F.softplus(${x})`,
  clip: (x, a) => `torch.clamp(${x}, ${py(a['min'])}, ${py(a['max'])})`,
  logical_not: (x) => `torch.logical_not(${x})`,
  sum: (x, a) => `torch.sum(${x}, dim=${py(a['axes'])}, keepdim=${py(a['keepdims'] === true)})`,
  mean: (x, a) => `torch.mean(${x}, dim=${py(a['axes'])}, keepdim=${py(a['keepdims'] === true)})`,
  max: (x, a) => `torch.amax(${x}, dim=${py(a['axes'])}, keepdim=${py(a['keepdims'] === true)})`,
  min: (x, a) => `torch.amin(${x}, dim=${py(a['axes'])}, keepdim=${py(a['keepdims'] === true)})`,
  // A 0 in the target shape keeps that axis's size, as the IR's reshape says.
  reshape: (x, a) => `${x}.reshape([${(a['shape'] as number[]).map((d, i) => (d === 0 ? `${x}.shape[${i}]` : String(d))).join(', ')}])`,
  slice: (x, a) => sliceExpr(x, a['spec'] as readonly AttrValue[]),
  transpose: (x, a) => `${x}.permute(${py(a['perm'])})`,
  expand_dims: (x, a) => `${x}.unsqueeze(${py(a['axis'])})`,
  squeeze: (x, a) => `${x}.squeeze(${py(a['axis'])})`,
  softmax: (x, a) => `torch.softmax(${x}, dim=${py(a['axis'])})`,
  log_softmax: (x, a) => `torch.log_softmax(${x}, dim=${py(a['axis'])})`,
  // Out-of-range ids give a row of zeros, as TF.js and ONNX's OneHot do (F.one_hot would raise).
  one_hot: (x, a) => `one_hot(${x}, ${py(a['depth'])})`,
  sequence_mask: (x) => `(${x} != 0).float()`,
};

const binary: Readonly<Record<string, (a: string, b: string) => string>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `torch.pow(${a}, ${b})`,
  // Floor modulo, as TF.js's mod: the result takes the divisor's sign.
  mod: (a, b) => `torch.remainder(${a}, ${b})`,
  minimum: (a, b) => `torch.minimum(${a}, ${b})`,
  maximum: (a, b) => `torch.maximum(${a}, ${b})`,
  equal: (a, b) => `${a} == ${b}`,
  not_equal: (a, b) => `${a} != ${b}`,
  less: (a, b) => `${a} < ${b}`,
  less_equal: (a, b) => `${a} <= ${b}`,
  greater: (a, b) => `${a} > ${b}`,
  greater_equal: (a, b) => `${a} >= ${b}`,
  logical_and: (a, b) => `torch.logical_and(${a}, ${b})`,
  logical_or: (a, b) => `torch.logical_or(${a}, ${b})`,
  matmul: (a, b) => `torch.matmul(${a}, ${b})`,
};

/** The ops the generated module computes, for the refusal of a graph holding another. */
export const torchOps: ReadonlySet<string> = new Set([
  ...Object.keys(unary),
  ...Object.keys(binary),
  'where',
  'cast',
  'broadcast_to',
  'full',
  'zeros',
  'concat',
  'embedding_lookup',
  'binary_cross_entropy',
  'sigmoid_cross_entropy',
  'softmax_cross_entropy',
  'dropout',
  'const',
  'param',
  'input',
]);

/**
 * The Python expression of one node from its inputs' variable names, for the ops that
 * map one to one onto PyTorch; `param`, `const`, `input` and `embedding_lookup` are the
 * module's business. Undefined for an op it has no form for.
 */
export function opExpression(node: IrNode, args: readonly string[]): string | undefined {
  const a = node.attrs;
  const u = unary[node.op];
  if (u) return u(args[0]!, a);
  const b = binary[node.op];
  if (b) return b(args[0]!, args[1]!);
  switch (node.op) {
    case 'where':
      return `torch.where(${args[0]}, ${args[1]}, ${args[2]})`;
    case 'cast': {
      const dtype = a['dtype'];
      // To bool by comparison with 0, as the TF.js emitter does.
      if (dtype === 'bool') return `${args[0]} != 0`;
      return dtype === 'f32' ? `${args[0]}.float()` : `${args[0]}.long()`;
    }
    case 'broadcast_to':
      return `torch.broadcast_to(${args[0]}, ${args[1]}.shape)`;
    case 'full':
    case 'zeros': {
      const dims = a['shape'] as number[] | null;
      const shape = dims === null ? `${args[0]}.shape` : `(${args[0]}.shape[0], ${dims.map(String).join(', ')})`;
      const value = node.op === 'zeros' ? '0.0' : py(a['value']);
      return `torch.full(${shape}, ${value}, dtype=torch.float32, device=${args[0]}.device)`;
    }
    case 'concat':
      return `torch.cat([${args.join(', ')}], dim=${py(a['axis'])})`;
    case 'binary_cross_entropy':
      return `binary_cross_entropy(${args[0]}, ${args[1]}, ${py(a['eps'])})`;
    case 'sigmoid_cross_entropy':
      return `sigmoid_cross_entropy(${args[0]}, ${args[1]})`;
    case 'softmax_cross_entropy':
      return `softmax_cross_entropy(${args[0]}, ${args[1]})`;
    case 'dropout':
      return `F.dropout(${args[0]}, p=${py(a['rate'])}, training=self.training)`;
    default:
      return undefined;
  }
}
