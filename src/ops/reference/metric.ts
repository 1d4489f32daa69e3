import type { FamilyTable } from './evaluator.js';

// Metrics reduce over a whole evaluation set that the trainer accumulates across batches
// (src/train/), never over one evaluation of a graph.
const wholeSet = { excluded: 'a metric over a whole evaluation set, computed by the trainer' } as const;

export const metricReference = {
  metric_auc: wholeSet,
  metric_pr_auc: wholeSet,
  metric_mean: wholeSet,
} satisfies FamilyTable;
