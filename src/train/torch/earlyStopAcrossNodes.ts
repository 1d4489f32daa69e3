import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { CheckedModel } from '../../semantic/checkedModel.js';
import type * as A from '../../syntax/ast.js';

/** The train section's `early_stop` statement (`early_stop = early_stop(...)` or `early_stop(...)` alone). */
function earlyStopStatement(model: CheckedModel): A.AssignStmt | A.ExprStmt | undefined {
  const origin = model.train?.origin;
  if (!origin) return undefined;
  for (const item of model.module.ast.items) {
    if (item.kind !== 'TrainDecl' || item.span.start !== origin.span.start) continue;
    for (const s of item.body.statements) {
      if (s.kind === 'AssignStmt' && s.target.name === 'early_stop') return s;
      if (s.kind === 'ExprStmt' && s.expr.kind === 'CallExpr' && s.expr.callee.kind === 'NameExpr' && s.expr.callee.name === 'early_stop')
        return s;
    }
  }
  return undefined;
}

/**
 * `BIRD7035` for `early_stop` on several machines: the torch engine stops early because
 * `bird train` scores each epoch with Bird's metrics while the ranks wait; the nodes of a
 * `torchrun` job run without Bird, so nothing would score the epochs or stop them.
 */
export function earlyStopAcrossNodes(model: CheckedModel, nnodes: number): Diagnostic | undefined {
  if (nnodes <= 1) return undefined;
  const stmt = earlyStopStatement(model);
  if (!stmt) return undefined;
  return diagnostic('earlyStopAcrossNodes', { nnodes: String(nnodes) }, model.module.source, stmt.span, {
    label: 'needs `bird train` to score each epoch',
    help: 'train on one machine (`--nnodes 1`, any `--nproc`) to stop early, or leave `early_stop` out and choose an epoch from the checkpoints',
  });
}
