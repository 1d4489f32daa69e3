import type { IrFeature, IrNode } from './ir.js';

/**
 * The ids of a feature's transform nodes in order, found by following its input node;
 * shorter than its transforms when dead-code elimination removed the rest (an unused
 * feature keeps only its input).
 */
export function transformChain(nodes: readonly IrNode[], feature: IrFeature): number[] {
  const chain: number[] = [];
  let at = feature.node;
  for (const t of feature.transforms) {
    const next = nodes.findIndex((n) => n.op === t.op && n.inputs[0] === at);
    if (next < 0) break;
    chain.push(next);
    at = next;
  }
  return chain;
}

/** The node holding a feature's value after all its transforms, or undefined if one was removed. */
export function transformedNode(nodes: readonly IrNode[], feature: IrFeature): number | undefined {
  const chain = transformChain(nodes, feature);
  if (chain.length < feature.transforms.length) return undefined;
  return chain[chain.length - 1] ?? feature.node;
}
