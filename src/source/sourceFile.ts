import type { Span } from './span.js';

/** A 1-based line and column; columns count UTF-16 code units, as editors do. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One `.bird` text and the path it was read from (or a display name such as `<stdin>`). */
export class SourceFile {
  readonly path: string;
  readonly text: string;
  // Offsets at which each line begins; computed once so position lookups are a binary search.
  private readonly lineStarts: readonly number[];
  /** Lines before `text` in the real file: an excerpt (a row of a data file) keeps its line numbers. */
  readonly lineOffset: number;

  constructor(path: string, text: string, lineOffset = 0) {
    this.path = path;
    this.text = text;
    this.lineOffset = lineOffset;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1 + this.lineOffset, column: clamped - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /** The text of a 1-based line without its line terminator. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1 - this.lineOffset];
    if (start === undefined) return '';
    const next = this.lineStarts[line - this.lineOffset];
    let end = next ?? this.text.length;
    while (end > start && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return this.text.slice(start, end);
  }

  lineStart(line: number): number {
    return this.lineStarts[line - 1 - this.lineOffset] ?? this.text.length;
  }

  slice(s: Span): string {
    return this.text.slice(s.start, s.end);
  }

  /** `path:line:col` of a span's start, the form editors and terminals link. */
  locationOf(s: Span): string {
    const p = this.position(s.start);
    return `${this.path}:${p.line}:${p.column}`;
  }
}
