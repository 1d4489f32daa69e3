import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type * as A from '../../syntax/ast.js';
import { visit } from '../../syntax/visitor.js';
import type { Rule } from './rule.js';

/** Which label kinds each standard loss accepts. */
const lossLabels: Readonly<Record<string, { kinds: readonly string[]; describe: string }>> = {
  bce: { kinds: ['binary'], describe: 'binary' },
  bce_with_logits: { kinds: ['binary'], describe: 'binary' },
  softmax_ce: { kinds: ['discrete'], describe: 'discrete' },
  mse: { kinds: ['continuous'], describe: 'continuous' },
};

/** A standard loss gets a label of a kind it can learn from: `bce` a binary label, `softmax_ce` a discrete one. */
export const labelLossCompatibility: Rule = {
  name: 'label-loss-compatibility',
  check({ models, report }) {
    for (const model of models) {
      const labels = model.labels;
      if (!model.train || !labels) continue;
      const trainDecl = model.module.ast.items.find((i): i is A.TrainDecl => i.kind === 'TrainDecl' && i.model.name === model.name);
      if (!trainDecl) continue;
      visit(trainDecl.body, {
        CallExpr(call) {
          const callee =
            call.callee.kind === 'NameExpr' ? call.callee.name : call.callee.kind === 'MemberExpr' ? call.callee.member.name : '';
          const rule = lossLabels[callee];
          const label = call.args[1]?.value;
          if (!rule || !label || label.kind !== 'MemberExpr' || label.object.kind !== 'NameExpr' || label.object.name !== 'labels') return;
          const field = labels.fields.find((f) => f.name === label.member.name);
          if (!field || rule.kinds.includes(field.kind.name)) return;
          report(
            'labelLossMismatch',
            { loss: callee, expected: rule.describe, label: field.name, kind: `\`${field.kind.name}\`` },
            model.module,
            label.span,
            {
              secondary: [
                secondaryLabel(
                  'labelKindDeclaredHere',
                  { kind: `\`${field.kind.name}\`` },
                  labels.module.source,
                  field.decl.fieldKind.span,
                ),
              ],
              help: {
                discrete: 'a discrete label goes with `softmax_ce`',
                continuous: 'a continuous label goes with `mse`',
                binary: 'a binary label goes with `bce`',
              }[field.kind.name as 'binary'],
            },
          );
        },
      });
    }
  },
};
