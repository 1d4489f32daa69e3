import type { IToken } from 'chevrotain';
import type { Span } from '../../source/span.js';
import type * as A from '../ast.js';
import { children } from '../visitor.js';

/**
 * What a grammar rule hands its parent. A rule the parser recovered from by skipping
 * input (re-synchronizing) yields `undefined`, so every builder accepts a missing
 * part: a missing expression becomes `ErrorExpr`, a missing name an empty identifier, and
 * nothing in the builder throws on user input.
 */
export type Part<T> = T | undefined;

/** The suffixes of a postfix expression, in source order. */
export type Suffix =
  | { readonly kind: 'call'; readonly span: Span; readonly args: readonly A.Argument[] }
  | { readonly kind: 'member'; readonly span: Span; readonly member: A.Identifier }
  | { readonly kind: 'index'; readonly span: Span; readonly indices: readonly (A.Expr | A.SliceExpr)[] };

export type ArgList = Extract<Suffix, { kind: 'call' }>;

export interface SliceTail {
  readonly stop: A.Expr | null;
  readonly step: A.Expr | null;
  readonly hasStep: boolean;
}

export interface CallableTail {
  readonly name: IToken;
  readonly params: readonly Part<A.Param>[];
  readonly returnType: Part<A.TypeRef>;
  readonly body: Part<A.Body>;
}

/** Whether recovery left a hole in `expr`; such an expression already has its diagnostic. */
export function containsError(expr: A.Node): boolean {
  if (expr.kind === 'ErrorExpr') return true;
  return children(expr).some(containsError);
}

export function isToken(part: IToken | A.Expr): part is IToken {
  return (part as Partial<IToken>).tokenType !== undefined;
}

/** A token recovery inserted, or the end of input: neither has a place in the text. */
export function isInserted(token: IToken): boolean {
  return token.isInsertedInRecovery === true || !(token.startOffset >= 0);
}

/** The parts that were parsed, without the holes recovery left. */
export function present<T>(parts: readonly (T | null | undefined)[]): T[] {
  // The rules make a fresh list for each node, so one without holes is used as it is.
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === null || parts[i] === undefined) return parts.filter((p): p is T => p !== null && p !== undefined);
  }
  return parts as T[];
}

export function errorExpr(span: Span): A.ErrorExpr {
  return { kind: 'ErrorExpr', span };
}

export function emptyBody(span: Span): A.Body {
  return { kind: 'Body', span, statements: [] };
}

export function joined(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
