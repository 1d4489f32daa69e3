import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { FeatureField } from '../checkedModel.js';
import { fieldColumns } from '../featureKinds.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { ElabContext } from './context.js';

/** Transforms that work on each column of a group alike (`zscore` and `impute` fitted per column). */
const perColumnOps: ReadonlySet<string> = new Set(['log1p', 'clip', 'zscore', 'impute']);

/** The span of an argument of a kind or transform, or of the whole application. */
const argSpan = (app: A.Application, name: string): Span => app.args?.find((a) => a.name?.name === name)?.span ?? app.span;

/**
 * Checks a feature group (`continuous(columns: [...])`, or `continuous(n: 30, columns: "px_*")`)
 * before its type is made from it: a list of column names or a pattern, each column read once
 * (by this field and by the fields before it), a size `n` that agrees with the list and is
 * required with a pattern, a feature rather than a label. Reports `BIRD3045` and returns false
 * when the field cannot be used.
 */
export function checkGroup(
  cx: ElabContext,
  f: A.FieldDecl,
  role: 'feature' | 'label',
  groupable: boolean,
  args: Readonly<Record<string, AttrValue>>,
  earlier: readonly FeatureField[],
  module: ModuleInfo,
): boolean {
  const columns = args['columns'];
  const n = args['n'];
  const kindApp = f.fieldKind;
  const fail = (problem: string, at: Span, help?: string, secondary?: Span, other = false): false => {
    cx.report('featureGroup', { name: f.name.name, problem }, module, at, {
      ...(help ? { help } : {}),
      ...(secondary ? { secondary: [secondaryLabel(other ? 'declaredHere' : 'firstGivenHere', {}, module.source, secondary)] } : {}),
    });
    return false;
  };
  if (columns === undefined) {
    // `n` is a group's size only where the kind takes `columns` (`discrete(n)` has an `n` of its own).
    if (n !== undefined && groupable)
      return fail('gives `n` without `columns`', argSpan(kindApp, 'n'), 'add `columns: [...]` or a pattern such as `"px_*"`');
    return checkReadOnce(f.name.name, [{ column: f.name.name, span: f.name.span }], earlier, fail);
  }
  const at = argSpan(kindApp, 'columns');
  if (role === 'label') return fail('is a label, and a label reads one column', at, 'declare one label per column');
  if (typeof n === 'number' && !(n >= 1)) return fail(`declares \`n: ${n}\`, but a group has at least one column`, argSpan(kindApp, 'n'));
  if (typeof columns === 'string') {
    if (columns === '') return fail('has an empty pattern', at);
    if (typeof n !== 'number')
      return fail(
        `reads the columns matching \`"${columns}"\` but does not say how many`,
        at,
        'add `n:`, the number of columns the pattern matches, so that the model has its shapes before the data is read',
      );
    return true;
  }
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string' || c === ''))
    return fail('needs `columns` as a list of column names or a pattern such as `"px_*"`', at);
  if (columns.length === 0) return fail('lists no columns', at);
  if (typeof n === 'number' && n !== columns.length)
    return fail(
      `declares \`n: ${n}\` but lists ${columns.length} column${columns.length === 1 ? '' : 's'}`,
      argSpan(kindApp, 'n'),
      `write \`n: ${columns.length}\`, or leave \`n\` out: a list gives its own size`,
    );
  const list = kindApp.args?.find((a) => a.name?.name === 'columns')?.value;
  const elements = list?.kind === 'ListExpr' ? list.elements : [];
  const named = columns.map((c, i) => ({ column: String(c), span: elements[i]?.span ?? at }));
  return checkReadOnce(f.name.name, named, earlier, fail);
}

/** Each column is read by one field, once: a column a group lists twice, or that another field reads, is an error at its second mention. */
function checkReadOnce(
  name: string,
  named: readonly { column: string; span: Span }[],
  earlier: readonly FeatureField[],
  fail: (problem: string, at: Span, help?: string, secondary?: Span, other?: boolean) => false,
): boolean {
  const seen = new Map<string, Span>();
  for (const { column, span } of named) {
    const first = seen.get(column);
    if (first) return fail(`names column \`${column}\` twice`, span, 'each column goes into the group once', first);
    seen.set(column, span);
    const other = earlier.find((g) => fieldColumns(g.name, g.args).includes(column));
    if (other && other.name !== name)
      return fail(
        `reads column \`${column}\`, which feature \`${other.name}\` reads too`,
        span,
        'a column feeds one feature; leave it out of one of them',
        other.decl.span,
        true,
      );
  }
  return true;
}

/** A transform of a group that cannot work on each column alike (`bucketize` gives one id per example): `BIRD3045` at the transform. */
export function checkGroupTransform(cx: ElabContext, f: A.FieldDecl, t: A.Application, op: string, module: ModuleInfo): boolean {
  if (perColumnOps.has(op)) return true;
  cx.report('featureGroup', { name: f.name.name, problem: `cannot apply \`${t.name.name}\` to each of its columns` }, module, t.span, {
    help: `a group takes ${[...perColumnOps].map((o) => `\`${o}\``).join(', ')}; declare the column on its own to \`${t.name.name}\` it`,
  });
  return false;
}
