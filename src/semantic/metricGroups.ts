import type * as A from '../syntax/ast.js';
import { printExpr } from '../syntax/printer.js';

/** One metric of a `metrics = [...]` list: its name (what reports and `early_stop` call it) and the call that computes it. */
export interface MetricEntry {
  readonly name: string;
  readonly expr: A.Expr;
}

/** Why an `on(...)` group cannot be expanded, for `BIRD3037`. */
export interface MetricGroupProblem {
  readonly problem: string;
  readonly help: string;
  readonly at: A.Node;
}

/**
 * The entries of a `metrics` setting, with each `on(p, y, [m1, m2(...), ...])` group written
 * out as `m1(p, y)`, `m2(p, y, ...)`: the prediction and label are given once for all the
 * metrics of one output, and each metric keeps the name it would have written in full, so
 * `early_stop(metric: "auc")`, reports and `metrics.json` read it the same way. `on` is a
 * group only where the name is not bound to something else.
 */
export function expandMetrics(
  value: A.Expr,
  isBound: (name: string) => boolean,
): { entries: MetricEntry[]; problems: MetricGroupProblem[] } {
  const entries: MetricEntry[] = [];
  const problems: MetricGroupProblem[] = [];
  for (const e of value.kind === 'ListExpr' ? value.elements : [value]) {
    if (e.kind !== 'CallExpr' || e.callee.kind !== 'NameExpr' || e.callee.name !== 'on' || isBound('on')) {
      entries.push({ name: printExpr(e), expr: e });
      continue;
    }
    const named = e.args.find((a) => a.name !== null);
    if (named || e.args.length !== 3) {
      problems.push({
        problem: named ? 'takes its arguments by position' : `takes 3 arguments, but ${e.args.length} were given`,
        help: 'write `on(prediction, labels.NAME, [auc, logloss])`: the output, its label, then the metrics',
        at: named ?? e,
      });
      continue;
    }
    const [p, y, list] = e.args.map((a) => a.value) as [A.Expr, A.Expr, A.Expr];
    if (list.kind !== 'ListExpr' || list.elements.length === 0) {
      problems.push({
        problem: 'needs a list of metrics as its third argument',
        help: 'name the metrics in a list, such as `[auc, logloss]`',
        at: list,
      });
      continue;
    }
    for (const m of list.elements) {
      const metric = m.kind === 'CallExpr' ? m.callee : m;
      if (metric.kind !== 'NameExpr' && metric.kind !== 'MemberExpr') {
        problems.push({
          problem: `lists \`${printExpr(m)}\`, which is not a metric`,
          help: 'list metrics by name (`auc`), with any further arguments in a call (`accuracy(threshold: 0.3)`)',
          at: m,
        });
        continue;
      }
      const extra = m.kind === 'CallExpr' ? m.args : [];
      const arg = (value: A.Expr): A.Argument => ({ kind: 'Argument', name: null, value, span: value.span });
      const call: A.CallExpr = { kind: 'CallExpr', callee: metric, args: [arg(p), arg(y), ...extra], span: m.span };
      entries.push({ name: printExpr(call), expr: call });
    }
  }
  return { entries, problems };
}
