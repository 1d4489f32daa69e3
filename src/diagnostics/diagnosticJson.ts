import type { Diagnostic, Label } from './diagnostic.js';

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
}

function labelJson(l: Label): LabelJson {
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
  };
}
