import { expandMetrics } from './metricGroups.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import { printExpr } from '../syntax/printer.js';
import { trainEngines, trainSettings } from './builtins.js';
import type { CheckedModel, FeatureSet, SignatureSpec, TrainSpec } from './checkedModel.js';
import { Elaborator } from './elaborate/elaborator.js';
import { WorkBudget } from './elaborate/limits.js';
import { Env } from './env.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { ElabFunction, GraphInput, NamedNode } from './graph.js';
import type { ModuleInfo } from './moduleInfo.js';
import type { PrimitiveTable } from './primitives.js';
import { closestName, didYouMean, nameFix } from '../diagnostics/suggest.js';
import { toAttr, type TensorValue, type Value } from './values.js';

/** The features set a type name refers to in a module: declared there or imported. */
export function featuresNamed(module: ModuleInfo, name: string): { decl: A.FeaturesDecl; module: ModuleInfo } | undefined {
  const own = module.features.get(name);
  if (own) return { decl: own, module };
  const imported = module.imported.get(name)?.symbol;
  return imported?.kind === 'features' ? { decl: imported.decl, module: imported.module } : undefined;
}

export function labelsNamed(module: ModuleInfo, name: string): { decl: A.LabelsDecl; module: ModuleInfo } | undefined {
  const own = module.labels.get(name);
  if (own) return { decl: own, module };
  const imported = module.imported.get(name)?.symbol;
  return imported?.kind === 'labels' ? { decl: imported.decl, module: imported.module } : undefined;
}

/**
 * Elaborates one model: binds its features parameter to input nodes (after transforms),
 * runs its body with its other parameters at their defaults, then its `train` section
 * (loss and metrics join the same function) and collects its signatures.
 */
export function elaborateModel(
  decl: A.ModelDecl,
  module: ModuleInfo,
  primitives: PrimitiveTable,
  budget: WorkBudget = new WorkBudget(),
): { model: CheckedModel | null; diagnostics: Diagnostic[] } {
  const main: ElabFunction = { name: decl.name.name, block: decl.name.name, nodes: [], result: -1 };
  const elab = new Elaborator(primitives, main, budget);
  const env = new Env(module);
  let features: FeatureSet | null = null;
  let featureParam: string | null = null;
  const inputs: GraphInput[] = [];
  try {
    for (const p of decl.params) {
      const set = featuresNamed(module, p.type.name.name);
      if (set && p.type.dims.length === 0) {
        if (features) {
          elab.report('typeMismatch', { expected: 'one features parameter', found: 'a second one' }, module, p.span, {
            help: 'a model reads one `features` set; merge them',
          });
          continue;
        }
        features = elab.featureSet(set.decl, set.module);
        featureParam = p.name.name;
        const fields = elab.inputs(features);
        for (const f of features.fields) {
          const node = main.nodes.find((n) => n.op === 'input' && n.attrs['name'] === f.name && n.attrs['role'] === 'feature');
          if (node) inputs.push({ name: f.name, role: 'feature', node: node.id });
        }
        env.set(p.name.name, { kind: 'features', set: features, fields }, p.name.span);
        continue;
      }
      if (!p.default) {
        const hint = didYouMean(p.type.name.name, [...module.features.keys(), ...module.imported.keys()]);
        elab.report('missingArgument', { name: p.name.name, callee: `model \`${decl.name.name}\`` }, module, p.span, {
          label: 'a model parameter needs a default (or a `features` type)',
          ...(hint ? { help: hint } : {}),
        });
        continue;
      }
      env.set(p.name.name, elab.evalNamed(p.name.name, p.default, env), p.name.span);
    }
    if (!features) {
      elab.report('typeMismatch', { expected: 'a `features` parameter', found: 'none' }, module, decl.name.span, {
        help: 'give the model its inputs, as in `model M(f: Flight)` with `features Flight { ... }`',
      });
    }

    const outputs: NamedNode[] = [];
    const outputEnv = new Env(module);
    elab.execBody(decl.body, env, (stmt, value) => {
      // A failed output is already reported; binding it keeps the train section from reporting it again.
      if (value.kind === 'error') {
        outputEnv.set(stmt.name.name, value, stmt.name.span);
        return;
      }
      if (value.kind !== 'tensor') {
        elab.report('outputNotTensor', { name: stmt.name.name, found: describe(value) }, module, stmt.value?.span ?? stmt.span);
        return;
      }
      if (outputs.some((o) => o.name === stmt.name.name)) {
        elab.report('duplicateOutput', { name: stmt.name.name }, module, stmt.name.span);
        return;
      }
      outputs.push({ name: stmt.name.name, node: value.node, origin: { source: module.source, span: stmt.name.span } });
      outputEnv.set(stmt.name.name, value, stmt.name.span);
    });

    const trainDecl = module.ast.items.find((i): i is A.TrainDecl => i.kind === 'TrainDecl' && i.model.name === decl.name.name) ?? null;
    let labels: FeatureSet | null = null;
    let train: TrainSpec | null = null;
    if (trainDecl) {
      const labelDecl = features ? (labelsNamed(features.module, features.name) ?? labelsNamed(module, features.name)) : undefined;
      if (labelDecl) {
        labels = elab.featureSet(labelDecl.decl, labelDecl.module);
        const fields = elab.inputs(labels);
        for (const f of labels.fields) {
          const node = main.nodes.find((n) => n.op === 'input' && n.attrs['name'] === f.name && n.attrs['role'] === 'label');
          if (node) inputs.push({ name: f.name, role: 'label', node: node.id });
        }
        outputEnv.set('labels', { kind: 'labels', set: labels, fields }, null);
      }
      train = elaborateTrain(trainDecl, module, elab, outputEnv, features?.name ?? decl.name.name, labels !== null);
    }

    const signatures = module.ast.items
      .filter((i): i is A.SignatureDecl => i.kind === 'SignatureDecl' && (i.model?.name ?? soleModel(module)) === decl.name.name)
      .map((s) => signatureSpec(s, features, featureParam, outputs));

    const model: CheckedModel = {
      name: decl.name.name,
      decl,
      module,
      features: features ?? { name: '', role: 'feature', decl: decl as never, module, fields: [] },
      labels,
      functions: elab.functions,
      main,
      inputs,
      outputs,
      train,
      signatures,
      usedFeatures: elab.usedFeatures,
    };
    return { model: features ? model : null, diagnostics: elab.diagnostics };
  } catch (error) {
    if (Elaborator.isAbort(error)) return { model: null, diagnostics: elab.diagnostics };
    throw error;
  }
}

function describe(v: Value): string {
  return v.kind === 'list' ? 'a list' : v.kind;
}

/** The name of the module's only model, for signatures without `for`. */
export function soleModel(module: ModuleInfo): string | undefined {
  const models = module.ast.items.filter((i) => i.kind === 'ModelDecl');
  return models.length === 1 ? (models[0] as A.ModelDecl).name.name : undefined;
}

/** The `train` section, in a scope of its own inside `outputs` (the model's outputs and `labels`) where the train constructors are names. */
function elaborateTrain(
  decl: A.TrainDecl,
  module: ModuleInfo,
  elab: Elaborator,
  outputs: Env,
  setName: string,
  hasLabels: boolean,
): TrainSpec {
  const env = new Env(module, outputs, 'train');
  const settings: Record<string, AttrValue> = {};
  let loss: NamedNode | null = null;
  const metrics: NamedNode[] = [];
  const usesLabels = (e: A.Expr): boolean => /\blabels\b/.test(printExpr(e));
  for (const stmt of decl.body.statements) {
    if (
      stmt.kind === 'ExprStmt' &&
      stmt.expr.kind === 'CallExpr' &&
      stmt.expr.callee.kind === 'NameExpr' &&
      stmt.expr.callee.name === 'early_stop'
    ) {
      const v = elab.eval(stmt.expr, env);
      const a = toAttr(v);
      if (a !== undefined) settings['early_stop'] = a;
      continue;
    }
    if (stmt.kind !== 'AssignStmt') {
      elab.report('unknownTrainSetting', { name: stmt.kind === 'ExprStmt' ? printExpr(stmt.expr) : stmt.kind }, module, stmt.span, {
        help: `train sections hold settings: ${[...trainSettings.keys()].map((k) => `\`${k}\``).join(', ')}`,
      });
      continue;
    }
    const name = stmt.target.name;
    if (!trainSettings.has(name)) {
      const fix = nameFix(name, trainSettings.keys(), module.source, stmt.target.span);
      const help = fix?.help ?? `settings are ${[...trainSettings.keys()].map((k) => `\`${k}\``).join(', ')}`;
      elab.report('unknownTrainSetting', { name }, module, stmt.target.span, { ...fix, help });
      continue;
    }
    if (!hasLabels && usesLabels(stmt.value)) {
      elab.report('noLabels', { set: setName }, module, stmt.value.span);
      continue;
    }
    if (name === 'metrics') {
      const { entries, problems } = expandMetrics(
        stmt.value,
        (n) => env.lookup(n) !== undefined || module.values.has(n) || module.imported.has(n),
      );
      for (const p of problems) elab.report('invalidMetricGroup', { problem: p.problem }, module, p.at.span, { help: p.help });
      for (const { name: metricName, expr: e } of entries) {
        const v = elab.evalNamed(metricName, e, env);
        if (v.kind === 'error') continue;
        if (!isScalar(v)) {
          elab.report(
            'invalidTrainSetting',
            { name: 'metrics', expected: 'scalar metric tensors such as `auc(p, labels.y)`', found: describeTrain(v) },
            module,
            e.span,
          );
          continue;
        }
        metrics.push({ name: metricName, node: (v as TensorValue).node, origin: { source: module.source, span: e.span } });
      }
      continue;
    }
    const v = elab.evalNamed(name, stmt.value, env);
    if (v.kind === 'error') continue;
    if (name === 'loss') {
      if (!isScalar(v)) {
        elab.report('invalidTrainSetting', { name, expected: 'a scalar `f32[]` loss', found: describeTrain(v) }, module, stmt.value.span);
        continue;
      }
      loss = { name: 'loss', node: (v as TensorValue).node, origin: { source: module.source, span: stmt.value.span } };
      continue;
    }
    const a = toAttr(v);
    if (name === 'engine' && !(trainEngines as readonly AttrValue[]).includes(a ?? null)) {
      const hint = typeof a === 'string' ? didYouMean(a, trainEngines) : undefined;
      const best = typeof a === 'string' && stmt.value.kind === 'StringLiteral' ? closestName(a, trainEngines) : undefined;
      elab.report('invalidTrainSetting', { name, expected: trainSettings.get(name)!, found: describeTrain(v) }, module, stmt.value.span, {
        help: hint ?? `engines are ${trainEngines.map((e) => `\`"${e}"\``).join(', ')}`,
        ...(best === undefined
          ? {}
          : {
              suggestions: [
                {
                  source: module.source,
                  span: stmt.value.span,
                  replacement: `"${best}"`,
                  message: `replace \`"${String(a)}"\` with \`"${best}"\``,
                },
              ],
            }),
      });
      continue;
    }
    const expectsInt = name === 'batch' || name === 'epochs' || name === 'seed' || name === 'shuffle' || name === 'checkpoint_every';
    if (a === undefined || (expectsInt && (v.kind !== 'int' || (name !== 'seed' && v.value <= 0)))) {
      elab.report('invalidTrainSetting', { name, expected: trainSettings.get(name)!, found: describeTrain(v) }, module, stmt.value.span);
      continue;
    }
    settings[name] = a;
  }
  for (const required of ['data', 'loss']) {
    if (required === 'loss' ? loss === null : settings[required] === undefined) {
      const present = decl.body.statements.some((s) => s.kind === 'AssignStmt' && s.target.name === required);
      if (!present)
        elab.report('missingTrainSetting', { model: decl.model.name, name: required }, module, decl.model.span, {
          help: `add \`${required} = ...\`: ${trainSettings.get(required)!}`,
        });
    }
  }
  return { settings, loss, metrics, origin: { source: module.source, span: decl.span } };
}

function isScalar(v: Value): boolean {
  return v.kind === 'tensor' && v.type.kind === 'tensor' && v.type.shape.length === 0 && v.type.dtype === 'f32';
}

function describeTrain(v: Value): string {
  if (v.kind === 'tensor') return v.type.kind === 'tensor' ? `\`${v.type.dtype}[${v.type.shape.join(', ')}]\`` : 'sparse ids';
  if (v.kind === 'config') return `\`${v.name}(...)\``;
  return v.kind === 'list' ? 'a list' : v.kind === 'int' || v.kind === 'float' ? `\`${v.value}\`` : v.kind;
}

function signatureSpec(
  s: A.SignatureDecl,
  features: FeatureSet | null,
  featureParam: string | null,
  outputs: readonly NamedNode[],
): SignatureSpec {
  const inputs: { name: string; alias: string }[] = [];
  const outs: { name: string; alias: string }[] = [];
  for (const entry of s.entries) {
    for (const item of entry.items) {
      const v = item.value;
      if (entry.direction === 'inputs') {
        if (v.kind === 'NameExpr' && v.name === featureParam && features) {
          for (const f of features.fields) inputs.push({ name: f.name, alias: f.name });
        } else if (v.kind === 'MemberExpr' && v.object.kind === 'NameExpr' && v.object.name === featureParam) {
          inputs.push({ name: v.member.name, alias: item.alias?.name ?? v.member.name });
        } else {
          inputs.push({ name: printExpr(v), alias: item.alias?.name ?? printExpr(v) });
        }
      } else {
        const name = printExpr(v);
        outs.push({ name, alias: item.alias?.name ?? name });
      }
    }
  }
  void outputs;
  return { name: s.name.name, version: s.version.text, inputs, outputs: outs, decl: s };
}
