import type { TrainStep } from '../../ir/autodiff.js';
import { tensor } from '../../tensor/types.js';
import { featureEntries } from '../../ir/featureEntries.js';
import { OnnxExportError } from './onnxExportError.js';
import type { SignatureTensor } from './exportedSignature.js';
import { onnxElemType } from './onnxEmitters.js';
import { lowerToOnnx, neededFrom, onnxDim, type Entry, type LoweredModel } from './lowerToOnnx.js';

/** One input of the step model and what feeds it: a batch column, a dense parameter, the combined rows of an embedding lookup, or a dropout's mask. */
export interface StepInput {
  readonly name: string;
  readonly kind: 'column' | 'param' | 'embedded' | 'mask';
  /** The batch column (by feature or label name), the gradient's name, or the mask's (`dropout@ID`). */
  readonly key: string;
  readonly node: number;
  readonly tensor: SignatureTensor;
}

export interface LoweredStep extends LoweredModel {
  readonly inputs: readonly StepInput[];
}

/**
 * The training step as one ONNX model: fed each needed feature and label after its
 * transforms (dense columns; integers as int64), each dense parameter (so the weights stay
 * with the caller, which updates them), and each embedding lookup's combined rows
 * (gathered by the training stage's sparse kernels), and each dropout's mask (drawn by the
 * trainer); it returns `loss` and one
 * `grad:NAME` per gradient of the step. Lowered op for op (no Gemm fusion: the fusion
 * reads weights as initializers).
 */
export function lowerTrainStep(step: TrainStep): LoweredStep {
  const graph = step.graph;
  const entries = new Map<number, Entry>();
  const inputs: StepInput[] = [];
  for (const g of step.gradients) {
    const n = graph.nodes[g.wrt]!;
    if (n.type.kind !== 'tensor') throw new OnnxExportError(`gradient target %${n.id} is sparse`, n.op, n.loc);
    const name = g.kind === 'param' ? `param:${g.name}` : `embedded:${g.name}`;
    const tensor: SignatureTensor = { name, dtype: 'float32', shape: n.type.shape.map(onnxDim) };
    inputs.push({ name, kind: g.kind === 'param' ? 'param' : 'embedded', key: g.name, node: g.wrt, tensor });
    entries.set(g.wrt, { build: () => name });
  }
  for (const m of step.masks) {
    const n = graph.nodes[m.node]!;
    if (n.type.kind !== 'tensor') throw new OnnxExportError(`dropout mask %${n.id} is sparse`, 'dropout', n.loc);
    const name = `mask:${m.name}`;
    inputs.push({ name, kind: 'mask', key: m.name, node: m.node, tensor: { name, dtype: 'float32', shape: n.type.shape.map(onnxDim) } });
    entries.set(m.node, { build: () => name });
  }
  const roots = [step.loss, ...step.gradients.map((g) => g.node)];
  const needed = neededFrom(graph, roots, entries);
  for (const [key, node] of featureEntries(graph)) {
    if (!needed.has(node) || entries.has(node)) continue;
    const n = graph.nodes[node]!;
    const column = key.slice(key.indexOf(':') + 1);
    if (n.type.kind === 'sparse')
      throw new OnnxExportError(
        `feature \`${column}\` reaches the step as sparse ids other than through an embedding table the training stage keeps`,
        n.op,
        n.loc,
      );
    const name = `column:${column}`;
    const tensor: SignatureTensor = {
      name,
      dtype: onnxElemType(n.type.dtype) as SignatureTensor['dtype'],
      shape: n.type.shape.map(onnxDim),
    };
    inputs.push({ name, kind: 'column', key: column, node, tensor });
    entries.set(node, { build: () => name });
  }
  // The loss leaves as `f32[1]`: onnxruntime-node hands back a 0-d output in a typed array
  // of its own realm, which a test runner's realm refuses.
  const lossOut = graph.nodes.length;
  const withLoss = {
    ...graph,
    nodes: [
      ...graph.nodes,
      { ...graph.nodes[step.loss]!, id: lossOut, op: 'reshape', type: tensor('f32', [1]), inputs: [step.loss], attrs: { shape: [1] } },
    ],
  };
  const outputs = [{ name: 'loss', node: lossOut }, ...step.gradients.map((g) => ({ name: `grad:${g.name}`, node: g.node }))];
  const lowered = lowerToOnnx(withLoss, new Map(), {
    name: `${graph.model}_train_step`,
    inputs: inputs.map((i) => i.tensor),
    entries,
    outputs,
    fuse: false,
  });
  return { ...lowered, inputs };
}
