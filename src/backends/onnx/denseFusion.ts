import type { IrGraph, IrNode } from '../../ir/ir.js';
import { neededNodes } from '../../tensor/neededNodes.js';
import type { TensorType } from '../../tensor/types.js';
import { OnnxExportError } from './onnxExportError.js';
import { intAttr, type OnnxGraphBuilder } from './onnxGraphBuilder.js';

/** Rows `[from, to)` of a dense layer's weight matrix. */
export type RowRange = readonly [number, number];

/**
 * A dense layer the lowering emits in one piece: `matmul(x, w)`, with the `add` of a
 * bias `[N]` after it, as one Gemm. When `x` is a `concat` whose parts include
 * `one_hot(ids)` and `w` is a parameter, those parts do not enter the product: a one-hot
 * row times `w` is the row of `w` its id picks, so each becomes a Gather of its slice of
 * `w` (the bias folded into the first one), summed into the Gemm's C. Exact up to float32
 * rounding of the bias sum; the weights do not grow.
 */
export interface DenseFusion {
  /** The IR node whose value the fused form gives: the `add`, or the `matmul` without a bias. */
  readonly node: number;
  readonly weight: IrNode;
  readonly bias: IrNode | null;
  /** What stays a matrix product: the matmul's input itself (no one-hot part), or the concat's other parts with their rows of `w`. */
  readonly dense: readonly { readonly node: number; readonly rows: RowRange }[];
  readonly oneHots: readonly { readonly ids: number; readonly depth: number; readonly rows: RowRange }[];
  /** The IR nodes the fused form reads, in place of the node's own inputs, for the needed-nodes walk. */
  readonly inputs: readonly number[];
}

const rank2f32 = (n: IrNode): n is IrNode & { type: TensorType } =>
  n.type.kind === 'tensor' && n.type.dtype === 'f32' && n.type.shape.length === 2;
const width = (n: IrNode): number | null => (n.type.kind === 'tensor' && typeof n.type.shape[1] === 'number' ? n.type.shape[1] : null);

/** The one-hot parts of `concat` along axis 1 of a rank-2 value, with every part's rows of the weights; null when none is one-hot or a width is symbolic. */
function concatParts(
  graph: IrGraph,
  concat: IrNode,
  stop: (id: number) => boolean,
): { dense: DenseFusion['dense']; oneHots: DenseFusion['oneHots'] } | null {
  if (concat.op !== 'concat' || Number(concat.attrs['axis']) !== 1) return null;
  const dense: { node: number; rows: RowRange }[] = [];
  const oneHots: { ids: number; depth: number; rows: RowRange }[] = [];
  let at = 0;
  for (const id of concat.inputs) {
    const part = graph.nodes[id]!;
    const w = width(part);
    if (w === null || part.type.kind !== 'tensor' || part.type.shape.length !== 2) return null;
    const rows: RowRange = [at, at + w];
    const ids = part.op === 'one_hot' && !stop(id) ? graph.nodes[part.inputs[0]!]! : null;
    if (ids && ids.type.kind === 'tensor' && ids.type.shape.length === 1)
      oneHots.push({ ids: ids.id, depth: Number(part.attrs['depth']), rows });
    else dense.push({ node: id, rows });
    at += w;
  }
  return oneHots.length > 0 ? { dense, oneHots } : null;
}

/**
 * The dense layers among the nodes `roots` need (stopping at `stop`) that the lowering
 * fuses, keyed by the node each replaces, and the nodes then needed: the fused layers'
 * matmuls and absorbed concats drop out, their parts' own inputs stay.
 */
export function planDenseFusions(
  graph: IrGraph,
  roots: readonly number[],
  stop: (id: number) => boolean,
): { fusions: Map<number, DenseFusion>; needed: Set<number> } {
  const needed = neededNodes(graph.nodes, roots, stop);
  const uses = new Map<number, number>();
  const use = (id: number): void => void uses.set(id, (uses.get(id) ?? 0) + 1);
  roots.forEach(use);
  for (const id of needed) if (!stop(id)) graph.nodes[id]!.inputs.forEach(use);
  const consumer = new Map<number, IrNode>();
  for (const id of needed) if (!stop(id)) for (const i of graph.nodes[id]!.inputs) consumer.set(i, graph.nodes[id]!);

  const fusions = new Map<number, DenseFusion>();
  for (const id of needed) {
    const m = graph.nodes[id]!;
    if (m.op !== 'matmul' || stop(id) || !rank2f32(m)) continue;
    const x = graph.nodes[m.inputs[0]!]!;
    const weight = graph.nodes[m.inputs[1]!]!;
    if (!rank2f32(x) || !rank2f32(weight)) continue;
    const add = uses.get(id) === 1 ? consumer.get(id) : undefined;
    const other = add?.op === 'add' && !stop(add.id) ? graph.nodes[add.inputs[add.inputs[0] === id ? 1 : 0]!]! : undefined;
    const bias =
      other &&
      other.id !== id &&
      other.type.kind === 'tensor' &&
      other.type.shape.length === 1 &&
      other.type.shape[0] === m.type.shape[1] &&
      other.type.dtype === 'f32'
        ? other
        : null;
    const parts = weight.op === 'param' && uses.get(x.id) === 1 && !stop(x.id) ? concatParts(graph, x, stop) : null;
    if (!bias && !parts) continue;
    const node = bias ? add!.id : id;
    const foldsBias = bias?.op === 'param' && parts !== null;
    const dense = parts ? parts.dense : [{ node: x.id, rows: [0, Number(weight.type.shape[0])] as RowRange }];
    const inputs = [
      ...dense.map((d) => d.node),
      ...(parts ? parts.oneHots.map((o) => o.ids) : [weight.id]),
      ...(bias && !foldsBias ? [bias.id] : []),
    ];
    fusions.set(node, { node, weight, bias, dense, oneHots: parts?.oneHots ?? [], inputs });
  }
  const view = graph.nodes.map((n) => {
    const f = fusions.get(n.id);
    return f ? { ...n, inputs: f.inputs } : n;
  });
  return { fusions, needed: neededNodes(view, roots, stop) };
}

/** The weights of a parameter node, checked against its declared shape. */
export function paramValues(n: IrNode, weights: ReadonlyMap<string, Float32Array>): Float32Array {
  const name = String(n.attrs['name']);
  const shape = n.attrs['shape'] as number[];
  const values = weights.get(name);
  if (!values) throw new OnnxExportError(`no trained weights for parameter \`${name}\``, 'param', n.loc);
  const size = shape.reduce((p, q) => p * q, 1);
  if (values.length !== size)
    throw new OnnxExportError(
      `parameter \`${name}\` has ${values.length} weights, but its shape [${shape.join(', ')}] holds ${size}`,
      'param',
      n.loc,
    );
  return values;
}

/**
 * Emits a planned fusion; `value` gives the ONNX value of an IR node the fused form reads.
 * A one-hot part's ids outside `[0, depth)` pick an extra row of zeros (the bias alone in
 * the first table), as `one_hot` gives a row of zeros for them.
 */
export function emitDenseFusion(
  b: OnnxGraphBuilder,
  f: DenseFusion,
  value: (id: number) => string,
  weights: ReadonlyMap<string, Float32Array>,
): string {
  if (f.oneHots.length === 0) return b.op('Gemm', [value(f.dense[0]!.node), value(f.weight.id), ...(f.bias ? [value(f.bias.id)] : [])]);
  const wName = String(f.weight.attrs['name']);
  const w = paramValues(f.weight, weights);
  const units = Number((f.weight.attrs['shape'] as number[])[1]);
  const foldBias = f.bias?.op === 'param';
  const biasValues = foldBias ? paramValues(f.bias!, weights) : null;
  const range = ([from, to]: RowRange): string => `${from}:${to}`;
  let sum = '';
  f.oneHots.forEach((o, k) => {
    const withBias = k === 0 && biasValues !== null;
    const table = new Float32Array((o.depth + 1) * units);
    for (let r = 0; r <= o.depth; r++) {
      for (let j = 0; j < units; j++)
        table[r * units + j] = (r < o.depth ? w[(o.rows[0] + r) * units + j]! : 0) + (withBias ? biasValues![j]! : 0);
    }
    const name = b.floatInitializer(
      `${wName}[${range(o.rows)}]${withBias ? `+${String(f.bias!.attrs['name'])}` : ''}`,
      [o.depth + 1, units],
      table,
    );
    const depth = b.i64(o.depth);
    const ids = value(o.ids);
    const index = b.op('Where', [b.op('Less', [ids, b.i64(0)]), depth, b.op('Min', [ids, depth])]);
    const rows = b.op('Gather', [name, index], { axis: intAttr(0) });
    sum = sum === '' ? rows : b.op('Add', [sum, rows]);
  });
  if (f.bias && !foldBias) sum = b.op('Add', [sum, value(f.bias.id)]);
  if (f.dense.length === 0) return sum;
  const rest = new Float32Array(f.dense.reduce((n, d) => n + d.rows[1] - d.rows[0], 0) * units);
  let at = 0;
  for (const d of f.dense) {
    rest.set(w.subarray(d.rows[0] * units, d.rows[1] * units), at);
    at += (d.rows[1] - d.rows[0]) * units;
  }
  // Adjacent ranges read as one: `w[0:48,93:94]`.
  const merged = f.dense.reduce<[number, number][]>((rs, d) => {
    const last = rs[rs.length - 1];
    if (last && last[1] === d.rows[0]) last[1] = d.rows[1];
    else rs.push([d.rows[0], d.rows[1]]);
    return rs;
  }, []);
  const restName = b.floatInitializer(`${wName}[${merged.map(range).join(',')}]`, [at / units, units], rest);
  const x =
    f.dense.length === 1
      ? value(f.dense[0]!.node)
      : b.op(
          'Concat',
          f.dense.map((d) => value(d.node)),
          { axis: intAttr(1) },
        );
  return b.op('Gemm', [x, restName, sum]);
}
