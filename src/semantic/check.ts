import { diagnostic, diagnosticKey, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel } from './checkedModel.js';
import { elaborateModel } from './elaborateModel.js';
import { Elaborator } from './elaborate/elaborator.js';
import { WorkBudget } from './elaborate/limits.js';
import { loadModules } from './loadModules.js';
import type { LoadedProgram, ModuleHost } from './moduleInfo.js';
import type { PrimitiveTable } from './primitives.js';
import { specifiedRules } from './rules/specifiedRules.js';

export interface CheckResult {
  readonly program: LoadedProgram;
  readonly models: readonly CheckedModel[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The semantic stage: loads the file and its imports, elaborates every model of the entry
 * file, then runs the declaration rules. Syntax errors stop it before elaboration.
 */
export function checkProgram(entry: SourceFile, host: ModuleHost, primitives: PrimitiveTable): CheckResult {
  const program = loadModules(entry, host);
  const diagnostics: Diagnostic[] = [...program.diagnostics];
  if (hasErrors(diagnostics)) return { program, models: [], diagnostics: sortDiagnostics(diagnostics) };
  // One budget of compile-time work for the whole file; once a limit stops one model, the rest are not elaborated.
  const budget = new WorkBudget();
  diagnostics.push(...checkDeclarations(program, primitives, budget));
  const models: CheckedModel[] = [];
  for (const item of program.entry.ast.items) {
    if (item.kind !== 'ModelDecl' || budget.exhausted) continue;
    const result = elaborateModel(item as A.ModelDecl, program.entry, primitives, budget);
    for (const d of result.diagnostics) diagnostics.push(d);
    if (result.model && !hasErrors(result.diagnostics)) models.push(result.model);
  }
  const context = {
    program,
    models,
    report: ((key, args, module, at, extras) => diagnostics.push(diagnostic(key, args, module.source, at, extras))) as Parameters<
      (typeof specifiedRules)[number]['check']
    >[0]['report'],
  };
  for (const rule of specifiedRules) rule.check(context);
  return { program, models, diagnostics: dedupe(sortDiagnostics(diagnostics)) };
}

/**
 * Checks what elaborating models may not reach: every constant, and every `features` and
 * `labels` declaration of the entry file, used by a model or not.
 */
function checkDeclarations(program: LoadedProgram, primitives: PrimitiveTable, budget: WorkBudget): Diagnostic[] {
  const elab = new Elaborator(primitives, { name: 'declarations', block: 'declarations', nodes: [], result: -1 }, budget);
  const module = program.entry;
  try {
    for (const item of module.ast.items) {
      if (item.kind === 'ConstDecl') elab.constValue(item, module);
      if (item.kind === 'FeaturesDecl' || item.kind === 'LabelsDecl') elab.inputs(elab.featureSet(item, module));
    }
  } catch (error) {
    // A limit hit while computing a constant (a recursive block, say): already reported.
    if (!Elaborator.isAbort(error)) throw error;
  }
  return elab.diagnostics;
}

/** A block instantiated twice reports the same mistake twice; once is enough. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = diagnosticKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
