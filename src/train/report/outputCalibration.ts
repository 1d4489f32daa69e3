import { calibrationBuckets, type CalibrationBucket } from './calibrationBuckets.js';
import type { CalibrationTarget } from './calibrationTargets.js';

/** The calibration of one output against one binary label on the evaluation part. */
export interface OutputCalibration {
  readonly output: string;
  readonly label: string;
  /** Evaluation examples; the buckets' counts add up to it. */
  readonly examples: number;
  readonly buckets: readonly CalibrationBucket[];
  /** Why there are no buckets, when there are none. */
  readonly note?: string;
}

/** Buckets a target's predictions `p` against its labels `y`, unless they are not one probability per example. */
export function outputCalibration(target: CalibrationTarget, p: Float32Array, y: Float32Array, buckets = 10): OutputCalibration {
  const base = { output: target.output, label: target.label, examples: y.length };
  if (p.length !== y.length)
    return {
      ...base,
      buckets: [],
      note: `${target.output} has ${p.length / Math.max(1, y.length)} values per example, not one probability`,
    };
  if (y.length === 0) return { ...base, buckets: [], note: 'the evaluation part is empty' };
  if (p.some((v) => !(v >= 0 && v <= 1)))
    return { ...base, buckets: [], note: `${target.output} has values outside [0, 1]: not a probability` };
  return { ...base, buckets: calibrationBuckets(p, y, buckets) };
}
