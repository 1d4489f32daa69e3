import type { IrGraph, IrNode } from '../ir.js';

/**
 * Rebuilds the main body from `keep` (old ids, in order) with each node's inputs mapped
 * through `replace` (an old id standing for another, as CSE and folding produce), then
 * renumbers densely and rewrites the graph's references.
 */
export function renumber(
  graph: IrGraph,
  keep: readonly number[],
  replace: ReadonlyMap<number, number> = new Map(),
  rewrite: ReadonlyMap<number, IrNode> = new Map(),
): IrGraph {
  const resolve = (id: number): number => {
    let at = id;
    for (let guard = 0; replace.has(at) && guard < 1_000_000; guard++) at = replace.get(at)!;
    return at;
  };
  const newId = new Map<number, number>();
  const nodes: IrNode[] = [];
  for (const old of keep) {
    const n = rewrite.get(old) ?? graph.nodes[old]!;
    newId.set(old, nodes.length);
    nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map((i) => newId.get(resolve(i)) ?? -1) });
  }
  return remapReferences({ ...graph, nodes }, (id) => newId.get(resolve(id)) ?? -1);
}

/** The graph with the node ids its features, outputs, loss and metrics point at mapped by `map`. */
export function remapReferences(graph: IrGraph, map: (id: number) => number): IrGraph {
  return {
    ...graph,
    features: graph.features.map((f) => ({ ...f, node: map(f.node) })),
    outputs: graph.outputs.map((o) => ({ ...o, node: map(o.node) })),
    train: graph.train && {
      ...graph.train,
      loss: graph.train.loss === null ? null : map(graph.train.loss),
      metrics: graph.train.metrics.map((m) => ({ ...m, node: map(m.node) })),
    },
  };
}
