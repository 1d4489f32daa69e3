import type { IrGraph } from '../../ir/ir.js';
import type { AttrValue } from '../../tensor/attrValue.js';

/** Stand-ins for statistics the data stage fits: an identity z-score, 0 for a missing value, an empty vocabulary (every value out of it), no bucket boundaries, an idf of 1. */
const placeholders: Readonly<Record<string, Readonly<Record<string, AttrValue>>>> = {
  zscore: { mean: 0, std: 1 },
  impute: { value: 0 },
  vocab_lookup: { vocabulary: [] },
  bucketize: { boundaries: [] },
  term_weight: { idf_ids: [0], idf: [1], idf_default: 1 },
};

const unfitted = (op: string, attrs: Readonly<Record<string, AttrValue>>): boolean =>
  Object.keys(placeholders[op] ?? {}).some((k) => attrs[k] === null || attrs[k] === undefined);

/**
 * A graph the ONNX export can lower without data or training, for `bird compile --emit
 * onnx`: every fitted statistic not yet fitted gets its placeholder (in the transform
 * nodes and the features' transforms alike), and every parameter is zeros. The graph has
 * the structure and input contract of the trained export; its numbers mean nothing.
 */
export function untrainedGraph(graph: IrGraph): { graph: IrGraph; weights: Map<string, Float32Array> } {
  const nodes = graph.nodes.map((n) => (unfitted(n.op, n.attrs) ? { ...n, attrs: { ...n.attrs, ...placeholders[n.op] } } : n));
  const features = graph.features.map((f) => ({
    ...f,
    transforms: f.transforms.map((t) => (unfitted(t.op, t.args) ? { ...t, args: { ...t.args, ...placeholders[t.op] } } : t)),
  }));
  const weights = new Map<string, Float32Array>();
  for (const n of nodes)
    if (n.op === 'param') weights.set(String(n.attrs['name']), new Float32Array((n.attrs['shape'] as number[]).reduce((p, q) => p * q, 1)));
  return { graph: { ...graph, nodes, features }, weights };
}
