import { featureEntries } from '../../ir/featureEntries.js';
import type { IrGraph } from '../../ir/ir.js';
import type { SignatureTensor } from './exportedSignature.js';
import { onnxElemType } from './onnxEmitters.js';
import { batchDim, lowerToOnnx, neededFrom, onnxDim, type Entry, type LoweredModel } from './lowerToOnnx.js';

/**
 * The graph as ONNX fed where the TF.js program is fed: at each feature's value after
 * its transforms, by feature name, so one preprocessed batch can run through both
 * backends and be compared. Dense values keep their IR shape (integers as int64); sparse
 * ids arrive as padded int64 ids `[batch, <name>.length]` and float32 `<name>.weights`
 * (0 at padding). Not a serving signature: `exportSignatures` makes those. `fuse: false`
 * lowers op for op (see `LoweringSpec.fuse`).
 */
export function exportAtEntries(
  graph: IrGraph,
  weights: ReadonlyMap<string, Float32Array>,
  outputs: readonly { readonly name: string; readonly node: number }[],
  options: { readonly fuse?: boolean } = {},
): LoweredModel & { readonly inputs: readonly SignatureTensor[] } {
  const byNode = new Map<number, string>();
  for (const [key, node] of featureEntries(graph)) byNode.set(node, key.slice(key.indexOf(':') + 1));
  const needed = neededFrom(
    graph,
    outputs.map((o) => o.node),
    byNode,
  );
  const inputs: SignatureTensor[] = [];
  const entries = new Map<number, Entry>();
  for (const [node, name] of byNode) {
    if (!needed.has(node)) continue;
    const type = graph.nodes[node]!.type;
    if (type.kind === 'sparse') {
      const shape = [batchDim, `${name}.length`];
      inputs.push({ name, dtype: 'int64', shape }, { name: `${name}.weights`, dtype: 'float32', shape });
      entries.set(node, { build: () => ({ ids: name, weights: `${name}.weights` }) });
    } else {
      inputs.push({ name, dtype: onnxElemType(type.dtype), shape: type.shape.map(onnxDim) });
      entries.set(node, { build: () => name });
    }
  }
  const lowered = lowerToOnnx(graph, weights, { name: `${graph.model}_entries`, inputs, entries, outputs, ...options });
  return { ...lowered, inputs };
}
