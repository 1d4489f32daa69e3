/** What a metric's name says of it: `auc(p_engaged, labels.engaged)` is `auc` of output `p_engaged` against `labels.engaged`. */
export interface MetricTask {
  readonly fn: string;
  /** The first argument's text: the prediction, usually a model output. */
  readonly output: string;
  /** The second argument's text, usually `labels.NAME`; empty without one. */
  readonly label: string;
}

/**
 * Reads a metric name of the form `fn(a, b, ...)` (the metric's source text, as
 * `metrics.jsonl` keys it), splitting arguments at top-level commas only; undefined for
 * any other form.
 */
export function metricTask(name: string): MetricTask | undefined {
  const call = /^\s*([A-Za-z_][\w.]*)\s*\(([\s\S]*)\)\s*$/.exec(name);
  if (!call) return undefined;
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of call[2]!) {
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  args.push(current.trim());
  if (args[0] === '') return undefined;
  return { fn: call[1]!, output: args[0]!, label: args[1] ?? '' };
}

/** A task: one prediction against one label, with the metrics about it in their given order. */
export interface TaskMetrics {
  readonly output: string;
  readonly label: string;
  readonly metrics: readonly string[];
}

/**
 * Groups metric names by the prediction and label they measure, in order of first
 * appearance; names of another form make a last group with an empty output.
 */
export function groupByTask(names: readonly string[]): TaskMetrics[] {
  const groups = new Map<string, { output: string; label: string; metrics: string[] }>();
  const other: string[] = [];
  for (const name of names) {
    const task = metricTask(name);
    if (!task) {
      other.push(name);
      continue;
    }
    const key = JSON.stringify([task.output, task.label]);
    const group = groups.get(key) ?? { output: task.output, label: task.label, metrics: [] };
    group.metrics.push(name);
    groups.set(key, group);
  }
  return [...groups.values(), ...(other.length > 0 ? [{ output: '', label: '', metrics: other }] : [])];
}
