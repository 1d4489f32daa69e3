import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/loadTf.js';
import type { TfProgram } from '../backends/tfjs/program.js';
import type { Batch } from '../ir/batch.js';
import type { DropoutMask } from './dropoutMasks.js';

/** The loss of a batch and its gradients as flat arrays: one per embedding lookup's combined values, one per dense parameter. */
export interface LossGradients {
  readonly loss: number;
  readonly embedded: Float32Array[];
  readonly dense: Float32Array[];
}

/**
 * Differentiates the loss with respect to the embedded values of each sparse lookup (fed
 * as overrides, so embedding tables stay outside TF.js) and to the dense parameters, whose
 * current values are `variables`, dropping what `masks` drop. Shared by the trainer and its gradient worker, so both
 * halves of a split batch run the same computation.
 */
export function lossGradients(
  tf: Tf,
  program: TfProgram,
  batch: Batch,
  lossNode: number,
  lookups: readonly { readonly node: number; readonly values: Float32Array; readonly shape: readonly number[] }[],
  dense: readonly { readonly node: number; readonly variable: tfTypes.Tensor }[],
  masks: readonly DropoutMask[] = [],
): LossGradients {
  const embedded = lookups.map((l) => tf.tensor(l.values, [...l.shape]));
  const maskTensors = new Map(masks.map((m) => [m.node, tf.tensor(m.values, [...m.shape])]));
  try {
    const inputs = [...embedded, ...dense.map((d) => d.variable)];
    const { value, grads } = tf.valueAndGrads((...xs: tfTypes.Tensor[]) => {
      const overrides = new Map<number, tfTypes.Tensor>();
      lookups.forEach((l, i) => overrides.set(l.node, xs[i]!));
      dense.forEach((d, i) => overrides.set(d.node, xs[lookups.length + i]!));
      return program.forward(batch, [lossNode], { training: true, overrides, masks: maskTensors }).get(lossNode)! as tfTypes.Scalar;
    })(inputs);
    const result = {
      loss: value.dataSync()[0]!,
      embedded: grads.slice(0, lookups.length).map((g) => g.dataSync() as Float32Array),
      dense: grads.slice(lookups.length).map((g) => g.dataSync() as Float32Array),
    };
    value.dispose();
    grads.forEach((g) => g.dispose());
    return result;
  } finally {
    embedded.forEach((e) => e.dispose());
    maskTensors.forEach((m) => m.dispose());
  }
}
