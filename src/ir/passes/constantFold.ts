import type { AttrValue } from '../../tensor/attrValue.js';
import { elementCount } from '../../tensor/shapes.js';
import type { IrNode } from '../ir.js';
import type { Pass } from './pass.js';
import { renumber } from './renumber.js';

/** Folded constants larger than this stay as computations, so the IR does not bloat. */
export const maxFoldedElements = 4096;

const unary: Readonly<Record<string, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

const binary: Readonly<Record<string, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  minimum: Math.min,
  maximum: Math.max,
};

function flatten(value: AttrValue): number[] {
  if (Array.isArray(value)) return value.flatMap(flatten);
  return [Number(value)];
}

function nest(flat: readonly number[], shape: readonly number[]): AttrValue {
  if (shape.length === 0) return flat[0]!;
  const [head, ...rest] = shape;
  const size = rest.reduce((p, q) => p * q, 1);
  return Array.from({ length: head! }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}

/** Reads `flat` (of `shape`) at a position of the broadcast result shape `out`. */
function broadcastRead(flat: readonly number[], shape: readonly number[], out: readonly number[], index: number): number {
  let offset = 0;
  let stride = 1;
  let rem = index;
  const coords: number[] = [];
  for (let i = out.length - 1; i >= 0; i--) {
    coords[i] = rem % out[i]!;
    rem = Math.floor(rem / out[i]!);
  }
  for (let i = shape.length - 1; i >= 0; i--) {
    const c = coords[out.length - shape.length + i]!;
    offset += (shape[i] === 1 ? 0 : c) * stride;
    stride *= shape[i]!;
  }
  return flat[offset]!;
}

/**
 * Computes elementwise ops whose inputs are all constants (`[0.0] * units + 1.0` and the
 * like) and puts the result in a `const` node. Float32 rounding matches the backends:
 * results are rounded through a Float32Array.
 */
export const constantFoldPass: Pass = {
  name: 'constant-folding',
  run(graph) {
    const rewrite = new Map<number, IrNode>();
    const constOf = (id: number): IrNode | undefined => {
      const n = rewrite.get(id) ?? graph.nodes[id];
      return n?.op === 'const' ? n : undefined;
    };
    for (const n of graph.nodes) {
      if (n.type.kind !== 'tensor' || n.type.dtype !== 'f32') continue;
      const size = elementCount(n.type.shape);
      if (size === null || size > maxFoldedElements) continue;
      const inputs = n.inputs.map(constOf);
      if (inputs.length === 0 || inputs.some((i) => i === undefined || i.type.kind !== 'tensor' || i.type.dtype !== 'f32')) continue;
      const shapes = inputs.map((i) => (i!.type.kind === 'tensor' ? (i!.type.shape as number[]) : []));
      const values = inputs.map((i) => flatten(i!.attrs['value']!));
      const out = n.type.shape as number[];
      let result: number[] | undefined;
      const u = unary[n.op];
      const b = binary[n.op];
      if (u && values.length === 1) result = Array.from({ length: size }, (_, k) => u(broadcastRead(values[0]!, shapes[0]!, out, k)));
      else if (b && values.length === 2)
        result = Array.from({ length: size }, (_, k) =>
          b(broadcastRead(values[0]!, shapes[0]!, out, k), broadcastRead(values[1]!, shapes[1]!, out, k)),
        );
      if (!result || result.some((x) => !Number.isFinite(x))) continue;
      const rounded = Array.from(Float32Array.from(result));
      rewrite.set(n.id, { ...n, op: 'const', inputs: [], attrs: { value: nest(rounded, out) } });
    }
    if (rewrite.size === 0) return graph;
    return renumber(
      graph,
      graph.nodes.map((n) => n.id),
      new Map(),
      rewrite,
    );
  },
};
