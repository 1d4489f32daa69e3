/**
 * One fuzz input through `bird check`'s own path: `checkSource` (what the check action
 * runs on each file it reads), then the report both ways, human (code frames on stderr)
 * and `--json` (one document on stdout), each through `reportDiagnostics` as the action
 * calls it. Anything but located diagnostics is a finding: a thrown error, an internal
 * error (BIRD9xxx), a label or fix outside its file, output that is not one JSON document.
 */
import { checkSource } from '../../src/pipeline/checkSource.js';
import { reportDiagnostics, type Io } from '../../src/cli/reporter.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { SourceFile } from '../../src/source/sourceFile.js';

export type FindingKind = 'exception' | 'internal' | 'unlocated' | 'json' | 'timeout' | 'oom' | 'crash';

export interface Verdict {
  /** Undefined when the input gave only located diagnostics (or none). */
  readonly finding?: FindingKind;
  readonly detail?: string;
  readonly stack?: string;
  /** The codes reported, in order (for the run's histogram). */
  readonly codes: readonly string[];
  readonly ms: number;
}

function misplaced(d: Diagnostic): string | undefined {
  const labels = [d.primary, ...d.secondary, ...d.suggestions];
  for (const l of labels) {
    const n = l.source.text.length;
    if (l.source.path === '<bird>') return `${d.code} has no file`;
    if (!(
      Number.isInteger(l.span.start) &&
      Number.isInteger(l.span.end) &&
      l.span.start >= 0 &&
      l.span.start <= l.span.end &&
      l.span.end <= n
    )) {
      return `${d.code}: span ${l.span.start}..${l.span.end} outside ${l.source.path} (${n} characters)`;
    }
  }
  return undefined;
}

export function checkInput(path: string, text: string): Verdict {
  const start = performance.now();
  const ms = (): number => Math.round(performance.now() - start);
  let codes: string[] = [];
  try {
    const { diagnostics } = checkSource(new SourceFile(path, text));
    codes = diagnostics.map((d) => d.code);
    const internal = diagnostics.find((d) => d.code.startsWith('BIRD9'));
    if (internal) return { finding: 'internal', detail: `${internal.code}: ${internal.message}`, codes, ms: ms() };
    for (const d of diagnostics) {
      const wrong = misplaced(d);
      if (wrong) return { finding: 'unlocated', detail: wrong, codes, ms: ms() };
    }
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
    reportDiagnostics(io, diagnostics, { json: false, color: false }, { files: [path] });
    const human = err.join('');
    if (diagnostics.length > 0 && !human.includes(`[${diagnostics[0]!.code}]`))
      return { finding: 'unlocated', detail: 'the human report does not name the first code', codes, ms: ms() };
    reportDiagnostics(io, diagnostics, { json: true, color: false }, { files: [path] });
    let doc: unknown;
    try {
      doc = JSON.parse(out.join(''));
    } catch (error) {
      return { finding: 'json', detail: `--json output is not one JSON document: ${(error as Error).message}`, codes, ms: ms() };
    }
    const listed = (doc as { diagnostics?: unknown[] }).diagnostics;
    if (!Array.isArray(listed) || listed.length !== diagnostics.length)
      return { finding: 'json', detail: '--json lists other diagnostics than were found', codes, ms: ms() };
    return { codes, ms: ms() };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { finding: 'exception', detail: `${e.name}: ${e.message}`, stack: e.stack, codes, ms: ms() };
  }
}
