import type { IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { SourceFile } from '../../source/sourceFile.js';
import type { Span } from '../../source/span.js';
import type * as A from '../ast.js';
import { decodeString } from '../decodeString.js';
import * as T from '../tokens.js';
import { isInserted } from './parts.js';

/** The longest operator chain or postfix chain kept in one expression. */
export const maxChain = 256;

/**
 * What every part of the AST builder shares: the file, the diagnostics it reports, and
 * turning tokens into spans, names and literals.
 */
export class BuilderCore {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly source: SourceFile;
  protected readonly length: number;

  constructor(source: SourceFile) {
    this.source = source;
    this.length = source.text.length;
  }

  protected numberLiteral(token: IToken, isInteger: boolean): A.Expr {
    const span = this.tokenSpan(token);
    if (isInserted(token)) return { kind: 'ErrorExpr', span };
    const text = token.image;
    // `12abc` (a BadNumber token) is reported by `parse`; here only misplaced `_`.
    if (token.tokenType !== T.BadNumber && text.includes('_') && /_(?!\d)|_(?=[.eE])|(?<![\d])_/.test(text)) {
      this.diagnostics.push(diagnostic('invalidNumber', { text: `\`${text}\`` }, this.source, span));
    }
    return { kind: 'NumberLiteral', span, text, value: Number(text.includes('_') ? text.replace(/_/g, '') : text), isInteger };
  }

  protected stringLiteral(token: IToken): A.StringLiteral {
    const span = this.tokenSpan(token);
    const closed = token.tokenType === T.UnterminatedString ? `${token.image}"` : token.image;
    const decoded = decodeString(closed, span.start);
    for (const e of decoded.errors) {
      const key = e.unicode ? 'invalidUnicodeEscape' : 'invalidEscape';
      this.diagnostics.push(diagnostic(key, { escape: `\`${e.text}\`` }, this.source, e.span));
    }
    return { kind: 'StringLiteral', span, raw: token.image, value: decoded.value };
  }

  /**
   * Operator chains become left-nested trees, and every later stage walks trees
   * recursively; a chain longer than `maxChain` is cut there, with a diagnostic, so no
   * stage can overflow the stack on absurd input.
   */
  protected capped<T extends { readonly span: Span } | undefined>(items: readonly T[], fallback: Span): readonly T[] {
    if (items.length <= maxChain) return items;
    const cut = items[maxChain];
    this.diagnostics.push(
      diagnostic('nestingTooDeep', { limit: String(maxChain) }, this.source, cut?.span ?? fallback, { label: 'too deep here' }),
    );
    return items.slice(0, maxChain);
  }

  protected ident(token: IToken | undefined, parent: Span): A.Identifier {
    const span = this.tokenSpan(token, parent);
    return { kind: 'Identifier', span, name: token && !isInserted(token) ? token.image : '' };
  }

  protected tokenSpan(token: IToken | undefined, parent?: Span): Span {
    if (!token || isInserted(token)) return parent ?? { start: 0, end: 0 };
    return { start: token.startOffset, end: token.startOffset + token.image.length };
  }

  /**
   * From the first token a rule saw to the last one consumed. A rule the parser recovered
   * in may have consumed nothing (or only tokens it inserted, which have no offset).
   */
  protected span(start: IToken, end: IToken): Span {
    const e = isInserted(end) ? -1 : Math.min(end.startOffset + end.image.length, this.length);
    const s = isInserted(start) ? Math.max(e, 0) : Math.min(start.startOffset, this.length);
    return { start: s, end: Math.max(e, s) };
  }
}
