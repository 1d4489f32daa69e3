import type { Diagnostic, Label, Suggestion } from './diagnostic.js';

export interface LabelJson {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** The `--json` form: stable field names, 1-based lines and columns, 0-based offsets. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly primary: LabelJson;
  readonly secondary: readonly LabelJson[];
  readonly notes: readonly string[];
  readonly help: string | null;
  readonly suggestions: readonly SuggestionJson[];
}

/** A fix: write `replacement` over `start`..`end` of `file` (located like a label). */
export interface SuggestionJson extends Omit<LabelJson, 'message'> {
  readonly replacement: string;
  readonly message: string;
}

function labelJson(l: Label | Suggestion): LabelJson {
  const s = l.source.position(l.span.start);
  const e = l.source.position(l.span.end);
  return {
    file: l.source.path,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    start: l.span.start,
    end: l.span.end,
    message: l.message,
  };
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  const primary = labelJson(d.primary);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: primary.file,
    line: primary.line,
    column: primary.column,
    primary,
    secondary: d.secondary.map(labelJson),
    notes: d.notes,
    help: d.help ?? null,
    suggestions: d.suggestions.map((s) => ({ ...labelJson(s), replacement: s.replacement, message: s.message })),
  };
}
