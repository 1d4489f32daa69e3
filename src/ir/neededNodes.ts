import type { IrNode } from './ir.js';

/**
 * The ids `roots` depend on, themselves included, not looking past the nodes `stop` names
 * (fed entries, overridden values): what a backend must compute for those roots.
 */
export function neededNodes(nodes: readonly IrNode[], roots: readonly number[], stop: (id: number) => boolean = () => false): Set<number> {
  const needed = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    if (stop(id)) continue;
    for (const i of nodes[id]?.inputs ?? []) stack.push(i);
  }
  return needed;
}
