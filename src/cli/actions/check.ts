import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { checkSource } from '../checkSource.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface CheckArgs extends ReportOptions {
  readonly files: readonly string[];
}

/** `bird check`: every diagnostic in every file, then exit 1 if any is an error. */
export function check(args: CheckArgs, io: Io): number {
  const diagnostics: Diagnostic[] = [];
  for (const source of readSources(args.files)) diagnostics.push(...checkSource(source).diagnostics);
  reportDiagnostics(io, diagnostics, args, { files: args.files });
  if (!args.json && diagnostics.length === 0) io.stderr(`ok: ${args.files.length} file${args.files.length === 1 ? '' : 's'} checked\n`);
  return hasErrors(diagnostics) ? ExitCode.diagnostics : ExitCode.ok;
}
