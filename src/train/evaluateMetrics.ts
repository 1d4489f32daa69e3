import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/loadTf.js';
import type { TfProgram } from '../backends/tfjs/program.js';
import type { Batch } from '../ir/batch.js';
import type { IrGraph } from '../ir/ir.js';
import { calibrationTargets } from './report/calibrationTargets.js';
import { outputCalibration, type OutputCalibration } from './report/outputCalibration.js';
import { auc, FloatBuffer, prAuc } from './setMetrics.js';

/** What the train section's metrics give over a part of the data. */
export interface Evaluation {
  readonly metrics: Record<string, number>;
  readonly calibration: OutputCalibration[];
}

/**
 * The train section's metrics over a whole part of the data, by name, and the calibration
 * of each output a metric measures against a binary label, from the same forward pass.
 * Each metric node's inputs are gathered over every batch and the metric computed once on
 * the whole set (AUC is not a mean over batches); the metric's own node then gets that
 * value. `forward` runs the model on a batch (inference mode, embeddings gathered by the
 * trainer's kernels), inside a `tf.tidy`.
 */
export async function evaluateMetrics(
  tf: Tf,
  graph: IrGraph,
  program: TfProgram,
  forward: (batch: Batch, nodes: readonly number[]) => Map<number, tfTypes.Tensor>,
  batches: AsyncIterable<Batch> | Iterable<Batch>,
): Promise<Evaluation> {
  const metricNodes = graph.nodes.filter((n) => n.op.startsWith('metric_'));
  const buffers = metricNodes.map((n) => n.inputs.map(() => new FloatBuffer()));
  const targets = calibrationTargets(graph);
  const kept = new Map([...new Set(targets.flatMap((t) => [t.outputNode, t.labelNode]))].map((n) => [n, new FloatBuffer()]));
  const inputs = [...new Set([...metricNodes.flatMap((n) => n.inputs), ...kept.keys()])];
  for await (const batch of batches) {
    tf.tidy(() => {
      const values = forward(batch, inputs);
      metricNodes.forEach((n, m) => n.inputs.forEach((i, k) => buffers[m]![k]!.push(values.get(i)!.dataSync() as Float32Array)));
      kept.forEach((buffer, node) => buffer.push(values.get(node)!.dataSync() as Float32Array));
    });
  }
  const results = new Map<number, tfTypes.Tensor>();
  metricNodes.forEach((n, m) => {
    const [a, b] = buffers[m]!.map((x) => x.values());
    const value =
      n.op === 'metric_auc'
        ? auc(a!, b!)
        : n.op === 'metric_pr_auc'
          ? prAuc(a!, b!)
          : a!.reduce((s, x) => s + x, 0) / Math.max(1, a!.length);
    results.set(n.id, tf.scalar(value));
  });
  const named: Record<string, number> = {};
  const empty: Batch = { size: 0, columns: new Map() };
  for (const m of graph.train?.metrics ?? []) {
    const v = tf.tidy(() => program.forward(empty, [m.node], { overrides: results }).get(m.node)!.dataSync()[0]!);
    named[m.name] = v;
  }
  results.forEach((t) => t.dispose());
  const calibration = targets.map((t) => outputCalibration(t, kept.get(t.outputNode)!.values(), kept.get(t.labelNode)!.values()));
  return { metrics: named, calibration };
}
