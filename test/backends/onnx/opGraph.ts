import type { Batch, BatchColumn } from '../../../src/ir/batch.js';
import type { IrFeature, IrGraph, IrNode, IrType } from '../../../src/ir/ir.js';
import type { OnnxValue } from '../../../src/backends/onnx/runOnnx.js';
import { opRegistry } from '../../../src/ops/registry.js';
import type { AttrValue } from '../../../src/tensor/attrValue.js';
import type { OperandType } from '../../../src/semantic/primitives.js';
import { tensor } from '../../../src/tensor/types.js';
import { rng } from './onnxTestHelpers.js';

type Rng = ReturnType<typeof rng>;

/** One operand of an op case: fed data, a bool made from data, a parameter, a constant, or sparse ids. */
export type Operand =
  | {
      readonly kind: 'data';
      readonly dtype: 'f32' | 'i32';
      readonly shape: readonly number[];
      readonly gen: (r: Rng) => number;
      readonly vocab?: number;
    }
  | { readonly kind: 'bool'; readonly shape: readonly number[] }
  | { readonly kind: 'param'; readonly shape: readonly number[] }
  | { readonly kind: 'const'; readonly value: AttrValue; readonly shape: readonly number[] }
  | { readonly kind: 'sparse'; readonly vocab: number; readonly weighted: boolean };

export interface OpCase {
  readonly op: string;
  readonly label?: string;
  readonly operands: readonly Operand[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

export const batchSize = 6;

/**
 * The pieces of a hand-built IR graph that TF.js and ONNX Runtime are fed alike: nodes,
 * features without transforms (so both are fed the same values at the same node), batch
 * columns and ONNX feeds for `rows` examples, and parameters with weights from `r`.
 */
export function graphParts(rows: number, r: Rng) {
  const nodes: IrNode[] = [];
  const features: IrFeature[] = [];
  const weights = new Map<string, Float32Array>();
  const columns = new Map<string, BatchColumn>();
  const feeds: Record<string, OnnxValue> = {};
  const push = (op: string, inputs: number[], attrs: Record<string, AttrValue>, type: IrType): number => {
    nodes.push({ id: nodes.length, op, type, inputs, attrs, loc: null, scope: '' });
    return nodes.length - 1;
  };
  /** A dense feature `[B, ...shape]` holding `values` (integers go to ONNX as int64). */
  const feedDense = (name: string, dtype: 'f32' | 'i32', shape: readonly number[], values: readonly number[], vocab?: number): number => {
    const id = push('input', [], {}, tensor(dtype, ['B', ...shape], vocab));
    features.push({ name, role: 'feature', kind: 'tensor', args: {}, default: 0, transforms: [], node: id });
    const dims = [rows, ...shape];
    columns.set(name, { kind: 'dense', dtype, shape: dims, data: dtype === 'f32' ? Float32Array.from(values) : Int32Array.from(values) });
    feeds[name] =
      dtype === 'f32'
        ? { dtype: 'float32', data: Float32Array.from(values), dims }
        : { dtype: 'int64', data: BigInt64Array.from(values.map(BigInt)), dims };
    return id;
  };
  const param = (name: string, shape: readonly number[]): number => {
    weights.set(
      name,
      Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => r.normal()),
    );
    return push('param', [], { shape: [...shape], init: 'normal', std: 0.05, name }, tensor('f32', shape));
  };
  const graph = (model: string, out: number): IrGraph => ({
    version: 1,
    model,
    features,
    functions: [],
    nodes,
    outputs: [{ name: 'out', node: out }],
    train: null,
    signatures: [],
  });
  return { nodes, features, weights, columns, feeds, push, feedDense, param, graph };
}

/**
 * A one-op IR graph around an op case: an `input` per fed operand, parameters with
 * seeded weights, and the op node typed by the registry's own inference.
 */
export function caseGraph(
  c: OpCase,
  seed: number,
): { graph: IrGraph; weights: Map<string, Float32Array>; batch: Batch; feeds: Record<string, OnnxValue>; out: number } {
  const r = rng(seed);
  const { nodes, features, weights, columns, feeds, push, feedDense: feed, param, graph } = graphParts(batchSize, r);
  const feedDense = (name: string, dtype: 'f32' | 'i32', shape: readonly number[], gen: () => number, vocab?: number): number =>
    feed(name, dtype, shape, Array.from({ length: batchSize * shape.reduce((p, q) => p * q, 1) }, gen), vocab);
  const ids = c.operands.map((o, k): number => {
    const name = `x${k}`;
    switch (o.kind) {
      case 'data':
        return feedDense(name, o.dtype, o.shape, () => o.gen(r), o.vocab);
      case 'bool': {
        const x = feedDense(name, 'f32', o.shape, () => r.normal());
        const zero = push('const', [], { value: 0 }, tensor('f32', []));
        return push('greater', [x, zero], {}, tensor('bool', ['B', ...o.shape]));
      }
      case 'param':
        return param(`p${k}`, o.shape);
      case 'const':
        return push('const', [], { value: o.value }, tensor('f32', o.shape));
      case 'sparse': {
        const offsets = new Int32Array(batchSize + 1);
        const all: number[] = [];
        const vals: number[] = [];
        let width = 1;
        const rows: number[][] = [];
        for (let i = 0; i < batchSize; i++) {
          // Row 0 is empty: a bag with nothing in it.
          const row = Array.from({ length: i === 0 ? 0 : 1 + r.int(4) }, () => 1 + r.int(o.vocab - 1));
          rows.push(row);
          all.push(...row);
          vals.push(...row.map(() => r.normal()));
          offsets[i + 1] = all.length;
          width = Math.max(width, row.length);
        }
        const id = push('input', [], {}, { kind: 'sparse', keys: 'id', vocab: o.vocab, weighted: o.weighted });
        features.push({
          name,
          role: 'feature',
          kind: o.weighted ? 'sparse_continuous' : 'sparse_binary',
          args: {},
          default: [],
          transforms: [],
          node: id,
        });
        columns.set(name, { kind: 'sparse', ids: Int32Array.from(all), values: o.weighted ? Float32Array.from(vals) : null, offsets });
        const padded = new BigInt64Array(batchSize * width);
        const w = new Float32Array(batchSize * width);
        rows.forEach((row, i) =>
          row.forEach((v, j) => {
            padded[i * width + j] = BigInt(v);
            w[i * width + j] = o.weighted ? vals[offsets[i]! + j]! : 1;
          }),
        );
        feeds[name] = { dtype: 'int64', data: padded, dims: [batchSize, width] };
        feeds[`${name}.weights`] = { dtype: 'float32', data: w, dims: [batchSize, width] };
        return id;
      }
    }
  });
  const schema = opRegistry.get(c.op)!;
  const operands: Record<string, OperandType | OperandType[]> = {};
  const attrs: Record<string, AttrValue> = {};
  let at = 0;
  for (const p of schema.params) {
    if (p.kind === 'tensors') operands[p.name] = ids.slice(at).map((i) => nodes[i]!.type);
    else if (p.kind === 'tensor' || p.kind === 'ids' || p.kind === 'sparse') operands[p.name] = nodes[ids[at++]!]!.type;
    else attrs[p.name] = c.attrs?.[p.name] ?? p.default ?? null;
  }
  const inferred = schema.infer({ operands, attrs });
  if (!inferred.ok) throw new Error(`case ${c.op}: ${inferred.message}`);
  const out = push(c.op, ids, { ...attrs, ...inferred.attrs }, inferred.type);
  return { graph: graph(`op_${c.op}`, out), weights, batch: { size: batchSize, columns }, feeds, out };
}
