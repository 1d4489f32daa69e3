import type { IrGraph } from './ir.js';
import { transformChain } from './transformChain.js';

/**
 * The node holding each feature's value after its transforms, keyed `role:name`: where a
 * batch column enters the graph. The TF.js program is fed there, and the ONNX graph that
 * is compared with it (`exportAtEntries`) takes its inputs there.
 */
export function featureEntries(graph: IrGraph): Map<string, number> {
  const entries = new Map<string, number>();
  for (const f of graph.features) entries.set(`${f.role}:${f.name}`, transformChain(graph.nodes, f).at(-1) ?? f.node);
  return entries;
}
