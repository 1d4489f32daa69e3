import type { IrGraph, IrNode } from '../../src/ir/ir.js';
import { inferInput } from '../../src/ir/verify.js';
import { opRegistry } from '../../src/ops/registry.js';
import { ndarray, type NdArray } from '../../src/ops/reference/ndarray.js';
import type { AttrValue } from '../../src/tensor/attrValue.js';
import { tensor, type DType, type TensorType } from '../../src/tensor/types.js';

/** A tiny IR graph under construction: each node typed by its op's own `infer`, attributes completed as the lowering does. */
export class Graph {
  readonly nodes: IrNode[] = [];
  add(op: string, inputs: number[], attrs: Record<string, AttrValue> = {}): number {
    const schema = opRegistry.get(op)!;
    const full: Record<string, AttrValue> = {};
    for (const p of schema.params) {
      if (p.kind === 'tensors') full[`${p.name}_count`] = inputs.length;
      else if (p.kind !== 'tensor' && p.kind !== 'ids' && p.kind !== 'sparse') full[p.name] = attrs[p.name] ?? p.default ?? null;
    }
    const r =
      op === 'param'
        ? { ok: true as const, type: tensor('f32', attrs['shape'] as number[]), attrs: {} }
        : schema.infer(
            inferInput(
              schema.params,
              inputs.map((i) => this.nodes[i]!.type),
              full,
            ),
          );
    if (!r.ok) throw new Error(`${op}: ${r.message}`);
    const id = this.nodes.length;
    this.nodes.push({ id, op, type: r.type, inputs, attrs: { ...full, ...(r.attrs ?? {}) }, loc: null, scope: '' });
    return id;
  }
  param(name: string, shape: number[]): number {
    return this.add('param', [], { shape, init: 'normal', std: 1, name });
  }
  /** An `input` node read by `name` (a feed of the reference, an override of the TF.js program). */
  input(name: string, dtype: DType, shape: number[]): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op: 'input', type: tensor(dtype, shape), inputs: [], attrs: { name }, loc: null, scope: '' });
    return id;
  }
  scalar(v: number): number {
    const id = this.nodes.length;
    this.nodes.push({ id, op: 'const', type: tensor('f32', []), inputs: [], attrs: { value: v }, loc: null, scope: '' });
    return id;
  }
  /** Positive values (for log, sqrt, pow's base): x^2 + 0.5. */
  positive(x: number): number {
    return this.add('add', [this.add('square', [x]), this.scalar(0.5)]);
  }
  type(id: number): TensorType {
    return this.nodes[id]!.type as TensorType;
  }
  /** The graph with `outputs` and no loss. */
  graph(outputs: readonly number[]): IrGraph {
    return {
      version: 1,
      model: 'T',
      features: [],
      functions: [],
      nodes: this.nodes,
      outputs: outputs.map((node, i) => ({ name: `out${i}`, node })),
      train: null,
      signatures: [],
    };
  }
  /** The IR graph whose loss is sum(y * y * 0.5 + y): a gradient that differs per element. */
  withLoss(y: number): IrGraph {
    const loss = this.add('sum', [this.add('add', [this.add('mul', [this.add('square', [y]), this.scalar(0.5)]), y])]);
    return { ...this.graph([y]), train: { settings: {}, loss, metrics: [] } };
  }
}

/** A seeded generator of N(0, 1) draws (mulberry32, Box-Muller): the same values on every run. */
export function normals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Every `param` of `graph` drawn from N(0, 1), rounded to float32 so TF.js holds the same values. */
export function randomParams(graph: IrGraph, seed: number): Map<string, NdArray> {
  const draw = normals(seed);
  const params = new Map<string, NdArray>();
  for (const n of graph.nodes) {
    if (n.op !== 'param') continue;
    const shape = n.attrs['shape'] as number[];
    const values = Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => Math.fround(draw()));
    params.set(String(n.attrs['name']), ndarray('f32', shape, values));
  }
  return params;
}
