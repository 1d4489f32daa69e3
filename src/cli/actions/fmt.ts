import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { formatSource } from '../../pipeline/formatSource.js';
import { ExitCode } from '../exitCodes.js';
import { readSources } from '../../pipeline/readSources.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface FmtArgs extends ReportOptions {
  readonly files: readonly string[];
  readonly check: boolean;
}

/**
 * `bird fmt`: rewrites each file in canonical form (atomically), or with `--check` lists
 * the files that would change and exits 1. A file with syntax errors is never rewritten.
 */
export function fmt(args: FmtArgs, io: Io): number {
  const diagnostics: Diagnostic[] = [];
  const changed: string[] = [];
  for (const source of readSources(args.files)) {
    const result = formatSource(source);
    if (!result.value) {
      diagnostics.push(...result.diagnostics);
      continue;
    }
    const formatted = result.value.text;
    if (!result.value.changed) {
      if (source.path === '<stdin>' && !args.check) io.stdout(formatted);
      continue;
    }
    changed.push(source.path);
    if (args.check) continue;
    if (source.path === '<stdin>') io.stdout(formatted);
    else writeFileAtomic(source.path, formatted);
  }
  reportDiagnostics(io, diagnostics, args, { changed });
  // Standard input formats to standard output, which must then hold only the program.
  if (!args.json) {
    for (const path of changed) {
      if (args.check) io.stdout(`would reformat ${path}\n`);
      else if (path !== '<stdin>') io.stdout(`formatted ${path}\n`);
    }
  }
  if (hasErrors(diagnostics)) return ExitCode.diagnostics;
  return args.check && changed.length > 0 ? ExitCode.diagnostics : ExitCode.ok;
}
