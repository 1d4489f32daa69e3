import { applySuggestions } from '../../diagnostics/applySuggestions.js';
import { hasErrors, type Diagnostic, type Suggestion } from '../../diagnostics/diagnostic.js';
import { SourceFile } from '../../source/sourceFile.js';
import { writeFileAtomic } from '../../source/writeFileAtomic.js';
import { checkSource } from '../../pipeline/checkSource.js';
import { ExitCode } from '../exitCodes.js';
import { readSources, stdinPath } from '../../pipeline/readSources.js';
import { UsageError } from '../../pipeline/usageError.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';

export interface CheckArgs extends ReportOptions {
  readonly files: readonly string[];
  /** Apply each file's suggestions to it before reporting. */
  readonly fix?: boolean;
}

interface FixedFile {
  readonly file: string;
  readonly applied: readonly string[];
  readonly refused: readonly string[];
}

const where = (s: Suggestion): string => {
  const p = s.source.position(s.span.start);
  return `${p.line}:${p.column}: ${s.message}`;
};

/**
 * Writes the suggestions of `source`'s own diagnostics into it (atomically), and returns
 * the file as it now reads, with what was applied and refused.
 */
function fixSource(source: SourceFile, io: Io, json: boolean): { source: SourceFile; fixed: FixedFile } {
  const suggestions = checkSource(source).diagnostics.flatMap((d) => d.suggestions.filter((s) => s.source.path === source.path));
  const result = applySuggestions(source.text, suggestions);
  const fixed = { file: source.path, applied: result.applied.map(where), refused: result.refused.map(where) };
  if (result.applied.length > 0) writeFileAtomic(source.path, result.text);
  if (!json) {
    if (result.applied.length > 0)
      io.stderr(
        `fixed ${source.path}: ${result.applied.length} change${result.applied.length === 1 ? '' : 's'}\n${fixed.applied.map((l) => `  ${l}\n`).join('')}`,
      );
    if (result.refused.length > 0)
      io.stderr(`not applied in ${source.path} (fixes that overlap):\n${fixed.refused.map((l) => `  ${l}\n`).join('')}`);
  }
  return { source: result.applied.length > 0 ? new SourceFile(source.path, result.text) : source, fixed };
}

/** `bird check`: every diagnostic in every file, then exit 1 if any is an error. */
export function check(args: CheckArgs, io: Io): number {
  if (args.fix && args.files.some((f) => f === '-' || f === stdinPath))
    throw new UsageError('`--fix` rewrites files, so it cannot read standard input (`-`)');
  const diagnostics: Diagnostic[] = [];
  const fixed: FixedFile[] = [];
  for (const read of readSources(args.files)) {
    let source = read;
    if (args.fix) {
      const f = fixSource(read, io, args.json === true);
      source = f.source;
      fixed.push(f.fixed);
    }
    diagnostics.push(...checkSource(source).diagnostics);
  }
  reportDiagnostics(io, diagnostics, args, args.fix ? { files: args.files, fixed } : { files: args.files });
  if (!args.json && diagnostics.length === 0) io.stderr(`ok: ${args.files.length} file${args.files.length === 1 ? '' : 's'} checked\n`);
  return hasErrors(diagnostics) ? ExitCode.diagnostics : ExitCode.ok;
}
