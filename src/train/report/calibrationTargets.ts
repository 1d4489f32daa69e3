import type { IrGraph } from '../../ir/ir.js';
import { metricTask } from './metricTask.js';

/** A model output measured against a binary label by some metric: what the report shows the calibration of. */
export interface CalibrationTarget {
  /** The output's name and the label as the metrics write it (`labels.NAME`). */
  readonly output: string;
  readonly label: string;
  readonly outputNode: number;
  readonly labelNode: number;
}

/**
 * The (output, binary label) pairs that the train section's metrics name, once each, in
 * the metrics' order: `auc(p_engaged, labels.engaged)` makes `p_engaged` against
 * `labels.engaged` a target when `p_engaged` is a model output and `engaged` a `binary`
 * label.
 */
export function calibrationTargets(graph: IrGraph): CalibrationTarget[] {
  const targets: CalibrationTarget[] = [];
  for (const m of graph.train?.metrics ?? []) {
    const task = metricTask(m.name);
    if (!task || !task.label.startsWith('labels.')) continue;
    const output = graph.outputs.find((o) => o.name === task.output);
    const label = graph.features.find((f) => f.role === 'label' && f.kind === 'binary' && `labels.${f.name}` === task.label);
    if (!output || !label || targets.some((t) => t.output === task.output && t.label === task.label)) continue;
    targets.push({ output: task.output, label: task.label, outputNode: output.node, labelNode: label.node });
  }
  return targets;
}
