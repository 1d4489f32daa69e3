/** What the walk needs of a node: the ids of its inputs, in the same node list. */
export interface WalkedNode {
  readonly inputs: readonly number[];
}

/**
 * The ids `roots` depend on, themselves included, not looking past the nodes `stop` names
 * (fed entries, overridden values): what a backend must compute for those roots. The one
 * walk both the checker (an elaborated function's nodes, where `follow` skips the
 * arguments a block ignores) and the IR stages (IR nodes) use; `follow` gives the inputs
 * to walk from a node, by default all of them.
 */
export function neededNodes<N extends WalkedNode>(
  nodes: readonly N[],
  roots: readonly number[],
  stop: (id: number) => boolean = () => false,
  follow: (node: N) => readonly number[] = (node) => node.inputs,
): Set<number> {
  const needed = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    if (stop(id)) continue;
    const node = nodes[id];
    if (node !== undefined) for (const i of follow(node)) stack.push(i);
  }
  return needed;
}
