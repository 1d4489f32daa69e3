import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type * as A from '../../syntax/ast.js';
import { visit } from '../../syntax/visitor.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * No call names an argument twice: `dense(x, units: 1, units: 2)`, `hash(bits: 8, bits: 9)`.
 * Every call and feature-kind or transform application of the user's files is read,
 * run or not; an argument given both by position and by name needs the callee's
 * parameters, so the elaborator reports that one where it binds the arguments.
 */
export const duplicateArguments: Rule = {
  name: 'duplicate-arguments',
  check({ program, report }) {
    for (const module of program.modules) {
      if (module.name.startsWith('std.')) continue;
      visit(module.ast, {
        CallExpr: (call) => checkNames(call.args, module, report),
        Application: (app) => checkNames(app.args ?? [], module, report),
      });
    }
  },
};

function checkNames(args: readonly A.Argument[], module: ModuleInfo, report: RuleContext['report']): void {
  const seen = new Map<string, A.Identifier>();
  for (const a of args) {
    if (!a.name) continue;
    const previous = seen.get(a.name.name);
    if (previous) {
      report('duplicateArgument', { name: a.name.name }, module, a.name.span, {
        secondary: [secondaryLabel('firstGivenHere', {}, module.source, previous.span)],
      });
    }
    seen.set(a.name.name, a.name);
  }
}
