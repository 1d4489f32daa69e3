import { OnnxSession, type OnnxValue } from '../backends/onnx/runOnnx.js';
import { lowerTrainStep, type StepInput } from '../backends/onnx/trainStepOnnx.js';
import { OnnxExportError } from '../backends/onnx/onnxExportError.js';
import { AutodiffError, buildTrainStep, type TrainStep } from '../ir/autodiff.js';
import type { Batch } from '../ir/batch.js';
import type { IrGraph } from '../ir/ir.js';
import type { DropoutMask } from './dropoutMasks.js';
import type { LossGradients } from './lossGradients.js';

/** The embedded values of one sparse lookup for a batch, as the trainer gathers them. */
export interface GatheredLookup {
  readonly node: number;
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * Where a trainer gets a batch's loss and gradients when the engine is not TF.js: given
 * the batch, each sparse lookup's gathered rows (in the trainer's lookup order) and each
 * dense parameter's current value (by IR node id), the loss and gradients in the same
 * orders (`LossGradients`).
 */
export interface StepEngine {
  gradients(
    batch: Batch,
    lookups: readonly GatheredLookup[],
    dense: readonly { readonly node: number; readonly values: Float32Array }[],
    masks: readonly DropoutMask[],
  ): Promise<LossGradients>;
  release(): Promise<void>;
}

/** Int32 column values as ONNX's int64. */
function toInt64(data: Int32Array): BigInt64Array {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = BigInt(data[i]!);
  return out;
}

/**
 * The `onnxruntime` engine's step: the model's training step (the IR autodiff pass) lowered
 * to ONNX and run by onnxruntime-node with `threads` intra-op threads, fed the batch's
 * columns, the dense weights, the gathered embedding rows and the dropout masks; the weights stay with the
 * trainer, which applies the optimizers.
 */
export class OnnxStep implements StepEngine {
  private constructor(
    private readonly graph: IrGraph,
    readonly step: TrainStep,
    private readonly inputs: readonly StepInput[],
    private readonly session: OnnxSession,
  ) {}

  static async create(graph: IrGraph, threads: number): Promise<OnnxStep> {
    const step = buildTrainStep(graph);
    const lowered = lowerTrainStep(step);
    return new OnnxStep(graph, step, lowered.inputs, await OnnxSession.load(lowered.bytes, threads));
  }

  /** The step's name of the gradient of a trainer's node: a parameter's name, or `TABLE@LOOKUP` for a lookup. */
  private gradientName(node: number): string {
    const n = this.graph.nodes[node]!;
    return n.op === 'param' ? String(n.attrs['name']) : `${String(this.graph.nodes[n.inputs[1]!]!.attrs['name'])}@${node}`;
  }

  async gradients(
    batch: Batch,
    lookups: readonly GatheredLookup[],
    dense: readonly { readonly node: number; readonly values: Float32Array }[],
    masks: readonly DropoutMask[],
  ): Promise<LossGradients> {
    const byName = new Map<string, { values: Float32Array; shape: readonly number[] }>();
    for (const m of masks) byName.set(`dropout@${m.node}`, m);
    for (const l of lookups) byName.set(this.gradientName(l.node), l);
    for (const d of dense)
      byName.set(this.gradientName(d.node), { values: d.values, shape: this.graph.nodes[d.node]!.attrs['shape'] as number[] });
    const feeds: Record<string, OnnxValue> = {};
    for (const input of this.inputs) {
      if (input.kind === 'column') {
        const column = batch.columns.get(input.key);
        if (!column || column.kind !== 'dense') throw new Error(`no dense batch column \`${input.key}\` for the training step`);
        feeds[input.name] =
          column.dtype === 'f32'
            ? { dtype: 'float32', data: column.data as Float32Array, dims: column.shape }
            : { dtype: 'int64', data: toInt64(column.data as Int32Array), dims: column.shape };
        continue;
      }
      const value = byName.get(input.key);
      if (!value) throw new Error(`the trainer gave no value for \`${input.key}\``);
      feeds[input.name] = { dtype: 'float32', data: value.values, dims: value.shape };
    }
    const out = await this.session.run(feeds);
    const grad = (node: number): Float32Array => out[`grad:${this.gradientName(node)}`]!.data as Float32Array;
    return {
      loss: (out['loss']!.data as Float32Array)[0]!,
      embedded: lookups.map((l) => grad(l.node)),
      dense: dense.map((d) => grad(d.node)),
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Why the `onnxruntime` engine cannot train this model (the IR before or after fitting),
 * or undefined when it can: a gradient the autodiff pass cannot build, an op without an
 * ONNX form.
 */
export function onnxStepRefusal(graph: IrGraph): string | undefined {
  try {
    lowerTrainStep(buildTrainStep(graph));
    return undefined;
  } catch (error) {
    if (error instanceof AutodiffError || error instanceof OnnxExportError) return error.message;
    throw error;
  }
}
