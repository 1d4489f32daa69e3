import { opRegistry } from '../../ops/registry.js';
import { stableJson, printType } from '../printIr.js';
import type { Pass } from './pass.js';
import { renumber } from './renumber.js';

/** Ops that must not be merged even with equal inputs: each makes its own parameter, randomness or input. */
function mergeable(op: string): boolean {
  const schema = opRegistry.get(op);
  return schema !== undefined && !schema.stateful && op !== 'input' && op !== 'arg' && op !== 'call';
}

/** Common subexpression elimination: a pure node equal to an earlier one (op, inputs, attributes, type) is replaced by it. */
export const csePass: Pass = {
  name: 'common-subexpression-elimination',
  run(graph) {
    const seen = new Map<string, number>();
    const replace = new Map<number, number>();
    const keep: number[] = [];
    for (const n of graph.nodes) {
      const inputs = n.inputs.map((i) => replace.get(i) ?? i);
      if (mergeable(n.op)) {
        const key = `${n.op}(${inputs.join(',')})${stableJson(n.attrs)}:${printType(n.type)}`;
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          replace.set(n.id, earlier);
          continue;
        }
        seen.set(key, n.id);
      }
      keep.push(n.id);
    }
    return renumber(graph, keep, replace);
  },
};
