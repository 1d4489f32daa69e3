import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import {
  catalog,
  formatTemplate,
  labelCatalog,
  noteCatalog,
  type CatalogKey,
  type LabelKey,
  type MessageArgs,
  type NoteKey,
  type TemplateArgs,
} from './catalog.js';

export type Severity = 'error' | 'warning';

declare const fromCatalog: unique symbol;
/** A text made from a template of `labelCatalog` or `noteCatalog` (only `label` and `note` make one). */
export type CatalogText = string & { readonly [fromCatalog]: true };

/** A span in a file with a short message drawn under it. */
export interface Label {
  readonly source: SourceFile;
  readonly span: Span;
  readonly message: string;
}

/** A related span ("first defined here"), its text from `labelCatalog`. */
export interface SecondaryLabel extends Label {
  readonly message: CatalogText;
}

/**
 * A machine-applicable fix: `replacement` written over `span` of `source` (an empty span
 * inserts). Only fixes that are surely what was meant get one (a close name for an unknown
 * one, the missing pragma, `==` for `=`), so an editor or `bird check --fix` may apply it
 * unasked.
 */
export interface Suggestion {
  readonly source: SourceFile;
  readonly span: Span;
  readonly replacement: string;
  /** What applying it does, as `bird check --fix` reports it: "replace `x` with `y`". */
  readonly message: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: Label;
  readonly secondary: readonly SecondaryLabel[];
  readonly notes: readonly CatalogText[];
  readonly help?: string;
  readonly suggestions: readonly Suggestion[];
}

export interface DiagnosticExtras {
  /** Text under the primary span; empty draws only the squiggle. */
  readonly label?: string;
  readonly secondary?: readonly SecondaryLabel[];
  readonly notes?: readonly CatalogText[];
  /** Overrides the catalog's help, for a specific suggestion such as "did you mean". */
  readonly help?: string;
  readonly suggestions?: readonly Suggestion[];
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
    suggestions: extras.suggestions ?? [],
  };
}

/** A secondary label from `labelCatalog`, its arguments checked against the template. */
export function secondaryLabel<K extends LabelKey>(
  key: K,
  args: TemplateArgs<(typeof labelCatalog)[K]>,
  source: SourceFile,
  span: Span,
): SecondaryLabel {
  return { source, span, message: formatTemplate(labelCatalog[key], args as Readonly<Record<string, string>>) as CatalogText };
}

/** A note from `noteCatalog`, its arguments checked against the template. */
export function note<K extends NoteKey>(key: K, args: TemplateArgs<(typeof noteCatalog)[K]>): CatalogText {
  return formatTemplate(noteCatalog[key], args as Readonly<Record<string, string>>) as CatalogText;
}

/** What makes two diagnostics the same report (code, place and message), to keep one of each. */
export function diagnosticKey(d: Diagnostic): string {
  return `${d.code}:${d.primary.source.path}:${d.primary.span.start}:${d.primary.span.end}:${d.message}`;
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
