import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { compileModel } from '../../ir/compileModel.js';
import { lower } from '../../ir/lower.js';
import { printIr } from '../../ir/printIr.js';
import { astToJson, dumpAst } from '../../syntax/dumpAst.js';
import { parse } from '../../syntax/parse.js';
import { checkSource } from '../checkSource.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../usageError.js';

export const emitKinds = ['ast', 'ast-json', 'ir', 'ir-json', 'ir-unoptimized'] as const;
export type EmitKind = (typeof emitKinds)[number];

export interface CompileArgs extends ReportOptions {
  readonly file: string;
  readonly emit: EmitKind;
  /** Which model, when the file has several; all of them otherwise. */
  readonly model?: string;
}

/** `bird compile --emit KIND FILE`: prints one stage's output for FILE on stdout. */
export function compile(args: CompileArgs, io: Io): number {
  const [source] = readSources([args.file]);
  if (args.emit === 'ast' || args.emit === 'ast-json') {
    const result = parse(source!);
    if (hasErrors(result.diagnostics)) {
      reportDiagnostics(io, result.diagnostics, args);
      return ExitCode.diagnostics;
    }
    reportDiagnostics(io, result.diagnostics, { ...args, json: false });
    if (args.emit === 'ast') io.stdout(dumpAst(result.module, source!));
    else io.stdout(JSON.stringify(astToJson(result.module), null, 2) + '\n');
    return ExitCode.ok;
  }
  const checked = checkSource(source!);
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  if (hasErrors(diagnostics)) {
    reportDiagnostics(io, diagnostics, args);
    return ExitCode.diagnostics;
  }
  const models = checked.models.filter((m) => args.model === undefined || m.name === args.model);
  if (models.length === 0) {
    const names = checked.models.map((m) => `\`${m.name}\``).join(', ') || 'none';
    throw new UsageError(args.model === undefined ? `\`${args.file}\` declares no model` : `no model \`${args.model}\` in \`${args.file}\` (models: ${names})`);
  }
  const outputs: string[] = [];
  for (const model of models) {
    if (args.emit === 'ir-unoptimized') {
      outputs.push(printIr(lower(model)));
      continue;
    }
    const compiled = compileModel(model);
    diagnostics.push(...compiled.diagnostics);
    outputs.push(args.emit === 'ir' ? printIr(compiled.graph) : JSON.stringify(compiled.graph, null, 2) + '\n');
  }
  reportDiagnostics(io, diagnostics, { ...args, json: args.json && hasErrors(diagnostics) });
  if (hasErrors(diagnostics)) return ExitCode.diagnostics;
  io.stdout(outputs.join(args.emit === 'ir-json' ? '' : '\n'));
  return ExitCode.ok;
}
