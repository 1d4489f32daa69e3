import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import { nameFix } from '../../diagnostics/suggest.js';
import type * as A from '../../syntax/ast.js';
import type { FeatureField, FeatureSet } from '../checkedModel.js';
import { Env } from '../env.js';
import { featureKinds, transformOps } from '../featureKinds.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { PrimitiveParam } from '../primitives.js';
import { toAttr, type TensorValue, type Value } from '../values.js';
import { argValue } from './arguments.js';
import { attrToValue } from './attrToValue.js';
import { checkGroup, checkGroupTransform } from './featureGroups.js';
import type { ArgValue, ElabContext } from './context.js';
import { attrArg, bindArgs, primitiveCall } from './opCalls.js';

/** Resolves a `features` or `labels` declaration: kinds, their arguments, defaults and transforms. */
export function featureSet(cx: ElabContext, decl: A.FeaturesDecl | A.LabelsDecl, module: ModuleInfo): FeatureSet {
  const role = decl.kind === 'FeaturesDecl' ? 'feature' : 'label';
  const env = new Env(module);
  const fields: FeatureField[] = [];
  const seen = new Map<string, A.Identifier>();
  for (const f of decl.fields) {
    const previous = seen.get(f.name.name);
    if (previous) {
      cx.report('duplicateDefinition', { name: f.name.name }, module, f.name.span, {
        label: 'declared again here',
        secondary: [secondaryLabel('firstDeclaredHere', {}, module.source, previous.span)],
      });
      continue;
    }
    seen.set(f.name.name, f.name);
    const kind = featureKinds.get(f.fieldKind.name.name);
    if (!kind || !kind.roles.includes(role)) {
      const names = [...featureKinds.values()].filter((k) => k.roles.includes(role)).map((k) => k.name);
      const fix = nameFix(f.fieldKind.name.name, names, module.source, f.fieldKind.name.span);
      const help = fix?.help ?? `${role} kinds are ${names.map((n) => `\`${n}\``).join(', ')}`;
      cx.report('unknownFeatureKind', { what: `${role} kind`, name: f.fieldKind.name.name }, module, f.fieldKind.name.span, {
        ...fix,
        help,
      });
      continue;
    }
    const args = applicationArgs(cx, f.fieldKind, kind.params, `kind \`${kind.name}\``, env);
    if (!args) continue;
    // A kind's optional argument without a default (a group's `columns` and `n`) is absent unless given, so a plain field's args stay `{}`.
    for (const p of kind.params) if (p.default === null && args[p.name] === null) delete args[p.name];
    if (
      !checkGroup(
        cx,
        f,
        role,
        kind.params.some((p) => p.name === 'columns'),
        args,
        fields,
        module,
      )
    )
      continue;
    if (!checkDownsampling(cx, f, role, args, fields, module)) continue;
    let def: AttrValue = kind.defaultValue;
    if (f.default) {
      const v = cx.eval(f.default, env);
      const a = toAttr(v);
      if (a === undefined || (typeof a !== typeof kind.defaultValue && !(Array.isArray(a) && Array.isArray(kind.defaultValue)))) {
        cx.mismatch(`a default of the same kind as ${JSON.stringify(kind.defaultValue)}`, v, module, f.default.span);
        continue;
      }
      def = a;
    }
    const transforms: FeatureField['transforms'][number][] = [];
    for (const t of f.transforms) {
      const op = transformOps.get(t.name.name);
      if (!op || role === 'label') {
        const fix = nameFix(t.name.name, transformOps.keys(), module.source, t.name.span);
        const help = fix?.help ?? `transforms are ${[...transformOps.keys()].map((n) => `\`${n}\``).join(', ')}`;
        cx.report(
          'unknownFeatureKind',
          { what: 'transform', name: t.name.name },
          module,
          t.name.span,
          role === 'label' ? { help: 'labels take no transforms' } : { ...fix, help },
        );
        continue;
      }
      if (args['columns'] !== undefined && role === 'feature' && !checkGroupTransform(cx, f, t, op, module)) continue;
      const schema = cx.primitives.get(op)!;
      const params = schema.params.slice(1);
      const targs = applicationArgs(cx, t, params, `transform \`${t.name.name}\``, env);
      if (targs) transforms.push({ name: t.name.name, op, args: targs, decl: t });
    }
    // A field that imputes keeps a missing value missing (NaN) until `impute` fills it; a declared default would leave it nothing to fill (rule `missing-values`).
    if (!f.default && transforms.some((t) => t.op === 'impute')) def = null;
    fields.push({ name: f.name.name, decl: f, kind, args, default: def, transforms });
  }
  return { name: decl.name.name, role, decl, module, fields };
}

/**
 * `binary(downsample_neg: r)` keeps a fraction `r` in (0, 1] of the negative rows; the
 * rows dropped are those negative for every downsampled label, so all of them share `r`.
 */
function checkDownsampling(
  cx: ElabContext,
  f: A.FieldDecl,
  role: 'feature' | 'label',
  args: Readonly<Record<string, AttrValue>>,
  earlier: readonly FeatureField[],
  module: ModuleInfo,
): boolean {
  const rate = args['downsample_neg'];
  if (typeof rate !== 'number' || rate === 1) return true;
  const at = (f.fieldKind.args ?? []).find((a) => a.name?.name === 'downsample_neg' || a.name === null)?.span ?? f.fieldKind.span;
  if (role !== 'label' || !(rate > 0 && rate <= 1)) {
    cx.report(
      'typeMismatch',
      { expected: role === 'label' ? 'a fraction of negatives kept, in (0, 1]' : '1 (only labels are downsampled)', found: String(rate) },
      module,
      at,
      {
        label: role === 'label' ? 'the fraction of negative rows kept' : 'a feature is not downsampled',
      },
    );
    return false;
  }
  const other = earlier.find(
    (g) => typeof g.args['downsample_neg'] === 'number' && g.args['downsample_neg'] !== 1 && g.args['downsample_neg'] !== rate,
  );
  if (other) {
    cx.report(
      'typeMismatch',
      { expected: `the rate of \`${other.name}\` (${String(other.args['downsample_neg'])})`, found: String(rate) },
      module,
      at,
      {
        label: 'a second downsampling rate',
        secondary: [secondaryLabel('firstRateDeclaredHere', {}, module.source, other.decl.span)],
        help: 'a row is dropped only when it is negative for every downsampled label, so they share one `downsample_neg`',
      },
    );
    return false;
  }
  return true;
}

function applicationArgs(
  cx: ElabContext,
  app: A.Application,
  params: readonly PrimitiveParam[],
  callee: string,
  env: Env,
): Record<string, AttrValue> | null {
  const args = (app.args ?? []).map((a) => argValue(cx, a, env));
  if (args.some((a) => a.value.kind === 'error')) return null;
  const bound = bindArgs(
    cx,
    params.map((p) => ({ name: p.name, required: p.default === undefined })),
    args,
    callee,
    env.module,
    app.span,
  );
  if (!bound) return null;
  const out: Record<string, AttrValue> = {};
  for (const p of params) {
    const a = bound.get(p.name);
    const v = a ? attrArg(cx, a, p, env.module) : p.default;
    if (v === undefined) return null;
    out[p.name] = v;
  }
  return out;
}

/** Input nodes for every field of a set, each followed by its transforms. */
export function featureInputs(cx: ElabContext, set: FeatureSet): Map<string, TensorValue | null> {
  const values = new Map<string, TensorValue | null>();
  for (const f of set.decl.fields) values.set(f.name.name, null);
  for (const f of set.fields) {
    const origin = cx.origin(set.module, f.decl.name.span);
    let value: Value = cx.emit(
      'input',
      [],
      { name: f.name, role: set.role, kind: f.kind.name, args: f.args, default: f.default },
      f.kind.rawType(f.args),
      origin,
    );
    for (const t of f.transforms) {
      const args: ArgValue[] = [
        { name: null, value, span: t.decl.span },
        ...Object.entries(t.args).map(([name, v]) => ({ name, value: attrToValue(v), span: t.decl.span })),
      ];
      value = primitiveCall(cx, t.op, args, t.decl.span, set.module);
      if (value.kind === 'error') break;
    }
    if (value.kind === 'tensor') values.set(f.name, value);
  }
  return values;
}
