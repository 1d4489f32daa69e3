import { rootNodes } from '../ir.js';
import type { Pass } from './pass.js';
import { renumber } from './renumber.js';

/** Removes nodes nothing needs: not an output, the loss, a metric or a feature input, nor feeding one. */
export const deadCodePass: Pass = {
  name: 'dead-code-elimination',
  run(graph) {
    const live = new Set<number>();
    const stack = rootNodes(graph);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (live.has(id)) continue;
      live.add(id);
      for (const i of graph.nodes[id]?.inputs ?? []) stack.push(i);
    }
    return renumber(
      graph,
      graph.nodes.map((n) => n.id).filter((id) => live.has(id)),
    );
  },
};
