import type { Diagnostic, Label } from './diagnostic.js';

export interface RenderOptions {
  /** ANSI colors, for terminals. Golden files render without. */
  readonly color?: boolean;
}

const ansi = {
  red: '\x1b[1;31m',
  yellow: '\x1b[1;33m',
  blue: '\x1b[1;34m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};

interface Marked {
  readonly label: Label;
  readonly primary: boolean;
  readonly line: number;
  readonly column: number;
  readonly width: number;
}

/**
 * Renders a diagnostic in the rustc style: a header, `--> file:line:col`, then a code
 * frame with a gutter, `^` under the primary span and `-` under secondary ones (each
 * with its label), and `= note` / `= help` lines.
 */
export function renderDiagnostic(d: Diagnostic, options: RenderOptions = {}): string {
  const paint = (code: string, text: string): string => (options.color ? code + text + ansi.reset : text);
  const sevColor = d.severity === 'error' ? ansi.red : ansi.yellow;
  const source = d.primary.source;
  const start = source.position(d.primary.span.start);
  const marks: Marked[] = [d.primary, ...d.secondary.filter((l) => l.source === source)].map((label, i) => {
    const p = source.position(label.span.start);
    const lineText = source.lineText(p.line);
    const endOnLine = Math.min(label.span.end, source.lineStart(p.line) + lineText.length);
    return {
      label,
      primary: i === 0,
      line: p.line,
      column: p.column,
      width: Math.max(1, endOnLine - label.span.start),
    };
  });
  const lines = [...new Set(marks.map((m) => m.line))].sort((a, b) => a - b);
  const gutterWidth = String(lines[lines.length - 1] ?? start.line).length;
  const blank = ' '.repeat(gutterWidth);
  const bar = paint(ansi.blue, '|');
  const out: string[] = [];
  out.push(`${paint(sevColor, `${d.severity}[${d.code}]`)}${paint(ansi.bold, `: ${d.message}`)}`);
  // About a whole file (an empty data file): no position, no frame; about a line whose text
  // is not shown (binary bytes, a cut-short gzip): its line, no frame.
  if (source.text === '') {
    out.push(`${blank}${paint(ansi.blue, '-->')} ${source.path}${source.lineOffset > 0 ? `:${start.line}:${start.column}` : ''}`);
    for (const note of d.notes) out.push(`${blank} ${paint(ansi.blue, '=')} ${paint(ansi.bold, 'note')}: ${note}`);
    if (d.help !== undefined) out.push(`${blank} ${paint(ansi.blue, '=')} ${paint(ansi.bold, 'help')}: ${d.help}`);
    return out.join('\n') + '\n';
  }
  out.push(`${blank}${paint(ansi.blue, '-->')} ${source.path}:${start.line}:${start.column}`);
  out.push(`${blank} ${bar}`);
  let previous = 0;
  for (const line of lines) {
    if (previous !== 0 && line - previous === 2) {
      out.push(
        `${paint(ansi.blue, String(previous + 1).padStart(gutterWidth))} ${bar} ${expandTabs(source.lineText(previous + 1))}`.trimEnd(),
      );
    } else if (previous !== 0 && line - previous > 2) {
      out.push(paint(ansi.blue, '...'));
    }
    const text = source.lineText(line);
    out.push(`${paint(ansi.blue, String(line).padStart(gutterWidth))} ${bar} ${expandTabs(text)}`.trimEnd());
    const onLine = marks.filter((m) => m.line === line).sort((a, b) => a.column - b.column);
    for (const m of onLine) {
      const indent = visualWidth(text.slice(0, m.column - 1));
      const squiggle = (m.primary ? '^' : '-').repeat(visualWidth(text.slice(m.column - 1, m.column - 1 + m.width)) || 1);
      const color = m.primary ? sevColor : ansi.blue;
      const labelText = m.label.message === '' ? '' : ` ${m.label.message}`;
      out.push(`${blank} ${bar} ${' '.repeat(indent)}${paint(color, squiggle + labelText)}`.trimEnd());
    }
    previous = line;
  }
  for (const other of d.secondary.filter((l) => l.source !== source)) {
    const p = other.source.position(other.span.start);
    out.push(`${blank} ${paint(ansi.blue, '=')} note: ${other.message} at ${other.source.path}:${p.line}:${p.column}`);
  }
  for (const note of d.notes) out.push(`${blank} ${paint(ansi.blue, '=')} ${paint(ansi.bold, 'note')}: ${note}`);
  if (d.help !== undefined) out.push(`${blank} ${paint(ansi.blue, '=')} ${paint(ansi.bold, 'help')}: ${d.help}`);
  return out.join('\n') + '\n';
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions = {}): string {
  return diagnostics.map((d) => renderDiagnostic(d, options)).join('\n');
}

/** `N errors, M warnings` for the end of a run. */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter((s) => s !== '').join(', ');
}

// Tabs are drawn as four spaces so carets line up with the text above them; other
// control characters, which would move the cursor or ring the bell, as U+FFFD.
function expandTabs(text: string): string {
  return text.replace(/\t/g, '    ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\ufffd');
}

function visualWidth(text: string): number {
  return expandTabs(text).length;
}
