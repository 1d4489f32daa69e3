import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import { catalog, formatTemplate, type CatalogKey, type MessageArgs } from './catalog.js';

export type Severity = 'error' | 'warning';

/** A span in a file with a short message drawn under it. */
export interface Label {
  readonly source: SourceFile;
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: Label;
  readonly secondary: readonly Label[];
  readonly notes: readonly string[];
  readonly help?: string;
}

export interface DiagnosticExtras {
  /** Text under the primary span; empty draws only the squiggle. */
  readonly label?: string;
  readonly secondary?: readonly Label[];
  readonly notes?: readonly string[];
  /** Overrides the catalog's help, for a specific suggestion such as "did you mean". */
  readonly help?: string;
}

/** Builds a diagnostic from its catalog entry; arguments are checked against the template. */
export function diagnostic<K extends CatalogKey>(
  key: K,
  args: MessageArgs<K>,
  source: SourceFile,
  at: Span,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const entry: { code: string; severity: Severity; message: string; help?: string } = catalog[key];
  const values = args as Readonly<Record<string, string>>;
  const help = extras.help ?? (entry.help === undefined ? undefined : formatTemplate(entry.help, values));
  return {
    code: entry.code,
    severity: entry.severity,
    message: formatTemplate(entry.message, values),
    primary: { source, span: at, message: extras.label ?? '' },
    secondary: extras.secondary ?? [],
    notes: extras.notes ?? [],
    ...(help === undefined ? {} : { help }),
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, so output is stable across passes. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.primary.source.path.localeCompare(b.primary.source.path) ||
      a.primary.span.start - b.primary.span.start ||
      a.code.localeCompare(b.code),
  );
}
