import { hasErrors } from '../../diagnostics/diagnostic.js';
import { astToJson, dumpAst } from '../../syntax/dumpAst.js';
import { parse } from '../../syntax/parse.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export const emitKinds = ['ast', 'ast-json'] as const;
export type EmitKind = (typeof emitKinds)[number];

export interface CompileArgs extends ReportOptions {
  readonly file: string;
  readonly emit: EmitKind;
}

/** `bird compile --emit KIND FILE`: prints one stage's output for FILE on stdout. */
export function compile(args: CompileArgs, io: Io): number {
  const [source] = readSources([args.file]);
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
