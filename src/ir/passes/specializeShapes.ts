import type { Dim } from '../../tensor/types.js';
import type { IrNode, IrType } from '../ir.js';
import type { Pass } from './pass.js';

function substitute(t: IrType, bindings: Readonly<Record<string, number>>): IrType {
  if (t.kind !== 'tensor') return t;
  const shape: Dim[] = t.shape.map((d) => (typeof d === 'string' && bindings[d] !== undefined ? bindings[d] : d));
  return { ...t, shape };
}

/**
 * Gives symbolic dimensions fixed sizes (`{ B: 1024 }` for a training step of a fixed
 * batch, or an export with a fixed batch). With no bindings the graph is unchanged; the
 * verifier after this pass re-derives every type, so a binding that breaks a shape rule
 * (a reshape, a concat) is caught.
 */
export const specializeShapesPass: Pass = {
  name: 'shape-specialization',
  run(graph, options) {
    const bindings = options.bindings ?? {};
    if (Object.keys(bindings).length === 0) return graph;
    const nodes: IrNode[] = graph.nodes.map((n) => ({ ...n, type: substitute(n.type, bindings) }));
    return {
      ...graph,
      nodes,
      functions: graph.functions.map((f) => ({ ...f, nodes: f.nodes.map((n) => ({ ...n, type: substitute(n.type, bindings) })) })),
    };
  },
};
