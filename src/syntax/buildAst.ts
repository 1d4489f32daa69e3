import type { IToken } from 'chevrotain';
import { diagnostic, secondaryLabel, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import type * as A from './ast.js';
import { decodeString } from './decodeString.js';
import * as T from './tokens.js';
import { children } from './visitor.js';

/**
 * What a grammar rule hands its parent. A rule the parser recovered from by skipping
 * input (re-synchronizing) yields `undefined`, so every builder below accepts a missing
 * part: a missing expression becomes `ErrorExpr`, a missing name an empty identifier, and
 * nothing here throws on user input.
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

/**
 * Builds AST nodes for the parser's rules (`parser.ts` holds the grammar; each rule ends by
 * handing what it matched to one method here). Nodes get their spans from the first token
 * a rule saw and the last one it consumed. The builder also reports what the grammar leaves
 * to it: positional after named arguments, invalid assignment targets, misplaced `_` in
 * numbers, bad escapes, an unsupported pragma version, chained comparisons, over-long chains.
 * Top-level parts are collected here rather than returned, so what was parsed before a
 * failure at the top level survives it.
 */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  readonly items: A.Item[] = [];
  pragma: A.Pragma | null = null;
  /** Where the last declaration the parser started began (-1 before the first). */
  lastItemStart = -1;
  private readonly source: SourceFile;
  private readonly length: number;

  constructor(source: SourceFile) {
    this.source = source;
    this.length = source.text.length;
  }

  module(): A.Module {
    return { kind: 'Module', span: { start: 0, end: this.length }, pragma: this.pragma, items: this.items };
  }

  // ---- the top level ------------------------------------------------------------

  startItem(start: IToken): void {
    this.lastItemStart = Number.isFinite(start.startOffset) ? start.startOffset : -1;
  }

  addPragma(pragma: Part<A.Pragma>): void {
    if (pragma && this.pragma === null) this.pragma = pragma;
  }

  addItem(item: Part<A.Item> | null): void {
    if (item) this.items.push(item);
  }

  pragmaDecl(version: IToken, start: IToken, end: IToken): A.Pragma {
    const span = this.span(start, end);
    const versionSpan = this.tokenSpan(version, span);
    const value = isInserted(version) ? 1 : Number(version.image.replace(/_/g, ''));
    if (!isInserted(version) && value !== 1) {
      this.diagnostics.push(diagnostic('unsupportedVersion', { version: version.image }, this.source, versionSpan));
    }
    return { kind: 'Pragma', span, version: value, versionSpan };
  }

  importDecl(path: IToken | readonly IToken[], names: readonly Part<A.ImportName>[] | undefined, start: IToken, end: IToken): A.ImportDecl {
    const span = this.span(start, end);
    const relative = Array.isArray(path) ? undefined : (path as IToken);
    return {
      kind: 'ImportDecl',
      span,
      path: relative ? null : (path as readonly IToken[]).map((t) => this.ident(t, span)),
      relativePath: relative ? this.stringLiteral(relative) : null,
      names: names ? present(names) : null,
    };
  }

  importName(name: IToken, alias: IToken | undefined, start: IToken, end: IToken): A.ImportName {
    const span = this.span(start, end);
    return { kind: 'ImportName', span, name: this.ident(name, span), alias: alias ? this.ident(alias, span) : null };
  }

  constDecl(name: IToken, type: Part<A.TypeRef>, value: Part<A.Expr>, start: IToken, end: IToken): A.ConstDecl {
    const span = this.span(start, end);
    return { kind: 'ConstDecl', span, name: this.ident(name, span), type: type ?? null, value: value ?? errorExpr(span) };
  }

  fieldsDecl(kind: 'FeaturesDecl' | 'LabelsDecl', name: IToken, fields: Part<readonly Part<A.FieldDecl>[]>, start: IToken, end: IToken): A.FeaturesDecl | A.LabelsDecl {
    const span = this.span(start, end);
    return { kind, span, name: this.ident(name, span), fields: present(fields ?? []) };
  }

  fieldDecl(name: IToken, fieldKind: Part<A.Application>, def: Part<A.Expr>, transforms: readonly Part<A.Application>[], start: IToken, end: IToken): A.FieldDecl {
    const span = this.span(start, end);
    return {
      kind: 'FieldDecl',
      span,
      name: this.ident(name, span),
      fieldKind: fieldKind ?? this.application(undefined, undefined, start, end),
      default: def ?? null,
      transforms: transforms.map((t) => t ?? this.application(undefined, undefined, start, end)),
    };
  }

  application(name: IToken | undefined, args: Part<ArgList>, start: IToken, end: IToken): A.Application {
    const span = this.span(start, end);
    return { kind: 'Application', span, name: this.ident(name, span), args: args ? args.args : null };
  }

  callableDecl(kind: 'BlockDecl' | 'ModelDecl', tail: Part<CallableTail>, start: IToken, end: IToken): A.BlockDecl | A.ModelDecl {
    const span = this.span(start, end);
    return {
      kind,
      span,
      name: this.ident(tail?.name, span),
      params: present(tail?.params ?? []),
      returnType: tail?.returnType ?? null,
      body: tail?.body ?? emptyBody(span),
    };
  }

  param(name: IToken, type: Part<A.TypeRef>, def: Part<A.Expr>, start: IToken, end: IToken): A.Param {
    const span = this.span(start, end);
    return {
      kind: 'Param',
      span,
      name: this.ident(name, span),
      type: type ?? { kind: 'TypeRef', span, name: this.ident(undefined, span), dims: [] },
      default: def ?? null,
    };
  }

  typeRef(name: IToken, dims: readonly Part<A.DimList>[], start: IToken, end: IToken): A.TypeRef {
    const span = this.span(start, end);
    return { kind: 'TypeRef', span, name: this.ident(name, span), dims: present(dims) };
  }

  dimList(dims: readonly Part<A.Expr>[], start: IToken, end: IToken): A.DimList {
    const span = this.span(start, end);
    return { kind: 'DimList', span, dims: dims.map((d) => d ?? errorExpr(span)) };
  }

  trainDecl(model: IToken, body: Part<A.Body>, start: IToken, end: IToken): A.TrainDecl {
    const span = this.span(start, end);
    return { kind: 'TrainDecl', span, model: this.ident(model, span), body: body ?? emptyBody(span) };
  }

  signatureDecl(name: IToken, version: IToken, model: IToken | undefined, entries: readonly Part<A.SignatureEntry>[], start: IToken, end: IToken): A.SignatureDecl {
    const span = this.span(start, end);
    return {
      kind: 'SignatureDecl',
      span,
      name: this.ident(name, span),
      version: { kind: 'SemverLiteral', span: this.tokenSpan(version, span), text: isInserted(version) ? '0.0.0' : version.image },
      model: model ? this.ident(model, span) : null,
      entries: present(entries),
    };
  }

  signatureEntry(direction: IToken, items: readonly Part<A.SignatureItem>[], start: IToken, end: IToken): A.SignatureEntry {
    return { kind: 'SignatureEntry', span: this.span(start, end), direction: direction.image === 'outputs' ? 'outputs' : 'inputs', items: present(items) };
  }

  signatureItem(value: Part<A.Expr>, alias: IToken | undefined, start: IToken, end: IToken): A.SignatureItem {
    const span = this.span(start, end);
    return { kind: 'SignatureItem', span, value: value ?? errorExpr(span), alias: alias ? this.ident(alias, span) : null };
  }

  // ---- statements ---------------------------------------------------------------

  body(statements: readonly (Part<A.Stmt> | null)[], start: IToken, end: IToken): A.Body {
    return { kind: 'Body', span: this.span(start, end), statements: present(statements) };
  }

  forStmt(variable: IToken, iterable: Part<A.Expr>, body: Part<A.Body>, start: IToken, end: IToken): A.ForStmt {
    const span = this.span(start, end);
    return { kind: 'ForStmt', span, variable: this.ident(variable, span), iterable: iterable ?? errorExpr(span), body: body ?? emptyBody(span) };
  }

  ifStmt(condition: Part<A.Expr>, then: Part<A.Body>, otherwise: Part<A.IfStmt | A.Body> | null, start: IToken, end: IToken): A.IfStmt {
    const span = this.span(start, end);
    return { kind: 'IfStmt', span, condition: condition ?? errorExpr(span), then: then ?? emptyBody(span), else: otherwise ?? null };
  }

  returnStmt(value: Part<A.Expr>, start: IToken, end: IToken): A.ReturnStmt {
    const span = this.span(start, end);
    return { kind: 'ReturnStmt', span, value: value ?? errorExpr(span) };
  }

  outStmt(name: IToken, value: Part<A.Expr>, start: IToken, end: IToken): A.OutStmt {
    const span = this.span(start, end);
    return { kind: 'OutStmt', span, name: this.ident(name, span), value: value ?? null };
  }

  /** An expression statement, or an assignment when `=` was written; only a name can be assigned. */
  exprStmt(target: Part<A.Expr>, assigned: { value: Part<A.Expr> } | undefined, start: IToken, end: IToken): A.ExprStmt | A.AssignStmt {
    const span = this.span(start, end);
    const left = target ?? errorExpr(span);
    if (!assigned) return { kind: 'ExprStmt', span, expr: left };
    const value = assigned.value ?? errorExpr(span);
    if (left.kind !== 'NameExpr') {
      if (!containsError(left)) this.diagnostics.push(diagnostic('invalidAssignTarget', {}, this.source, left.span));
      return { kind: 'ExprStmt', span, expr: value };
    }
    return { kind: 'AssignStmt', span, target: { kind: 'Identifier', span: left.span, name: left.name }, value };
  }

  // ---- expressions --------------------------------------------------------------

  pipeline(operand: Part<A.Expr>, stages: readonly Part<A.Expr>[], start: IToken, end: IToken): A.Expr {
    if (stages.length === 0 && operand) return operand;
    const span = this.span(start, end);
    let expr = operand ?? errorExpr(span);
    for (const stage of this.capped(stages, span)) {
      const right = stage ?? errorExpr(span);
      expr = { kind: 'PipeExpr', span: joined(expr.span, right.span), input: expr, stage: right };
    }
    return expr;
  }

  /**
   * Applies precedence to the flat run `prefix* operand (operator prefix* operand)*` the
   * parser read, by precedence climbing. Prefix operators bind as the language says: `not`
   * over comparisons, unary `-` over everything but `^`; `^` associates to the right;
   * comparisons and ranges do not chain.
   */
  binaryRun(run: readonly (IToken | Part<A.Expr>)[], start: IToken, end: IToken): A.Expr {
    const only = run.length === 1 ? run[0] : undefined;
    if (only !== undefined && !isToken(only)) return only;
    const span = this.span(start, end);
    // Split the run: tokens before an operand are its prefixes, the token after it an operator.
    const operandsAll: A.Expr[] = [];
    const prefixesOf: IToken[][] = [[]];
    const operators: IToken[] = [];
    let expectOperand = true;
    for (const part of run) {
      const token = part !== undefined && isToken(part) ? part : undefined;
      if (expectOperand && token) {
        prefixesOf[prefixesOf.length - 1]!.push(token);
      } else if (expectOperand) {
        operandsAll.push((part as Part<A.Expr>) ?? errorExpr(span));
        expectOperand = false;
      } else {
        operators.push(part as IToken);
        prefixesOf.push([]);
        expectOperand = true;
      }
    }
    const operands = this.capped(operandsAll, span);
    operators.length = Math.min(operators.length, Math.max(0, operands.length - 1));
    let at = 0;
    // The prefixes of the operand at `at` not yet applied.
    let prefixFrom = 0;
    const climb = (minPrec: number): A.Expr => {
      let left = unary();
      for (;;) {
        const op = operators[at];
        if (!op) return left;
        const prec = binaryPrecedence[op.image]!;
        if (prec < minPrec) return left;
        at++;
        prefixFrom = 0;
        const right = climb(prec === powerPrecedence ? prec : prec + 1);
        left = { kind: 'BinaryExpr', span: joined(left.span, right.span), operator: op.image as A.BinaryOperator, left, right };
        const next = operators[at];
        if (next && nonAssociative.has(prec) && binaryPrecedence[next.image] === prec) {
          this.diagnostics.push(
            diagnostic('chainedComparison', { operator: prec === rangePrecedence ? 'ranges' : 'comparison operators' }, this.source, this.tokenSpan(next), {
              label: 'second operator here',
              secondary: [secondaryLabel('firstOperatorHere', {}, this.source, this.tokenSpan(op))],
              ...(prec === rangePrecedence ? { help: 'a range has one `..`, as in `0..n`' } : {}),
            }),
          );
          // Skip the rest of the chain: its meaning is unclear.
          while (operators[at] && binaryPrecedence[operators[at]!.image] === prec) {
            at++;
            prefixFrom = 0;
            unary();
          }
        }
      }
    };
    const unary = (): A.Expr => {
      const operand = operands[at];
      if (!operand) return errorExpr(span);
      const p = prefixesOf[at]![prefixFrom];
      if (p) {
        prefixFrom++;
        const inner = climb(p.image === 'not' ? notOperandPrecedence : powerPrecedence);
        return { kind: 'UnaryExpr', span: joined(this.tokenSpan(p, operand.span), inner.span), operator: p.image as A.UnaryOperator, operand: inner };
      }
      return operand;
    };
    return climb(0);
  }

  /** The first token or bracketed group of a postfix expression. */
  primary(part: IToken | Part<A.Expr>, start: IToken): A.Expr {
    if (part === undefined) return errorExpr(this.span(start, start));
    if (!isToken(part)) return part;
    const type = part.tokenType;
    if (type === T.Integer || type === T.BadNumber) return this.numberLiteral(part, true);
    if (type === T.Float) return this.numberLiteral(part, false);
    if (type === T.StringLiteral || type === T.UnterminatedString) return this.stringLiteral(part);
    if (type === T.True || type === T.False) return { kind: 'BoolLiteral', span: this.tokenSpan(part), value: type === T.True };
    return isInserted(part) ? errorExpr(this.span(start, start)) : { kind: 'NameExpr', span: this.tokenSpan(part), name: part.image };
  }

  postfix(primary: A.Expr, suffixes: readonly Part<Suffix>[]): A.Expr {
    if (suffixes.length === 0) return primary;
    let expr = primary;
    for (const s of this.capped(suffixes, primary.span)) {
      if (!s) continue;
      const span: Span = { start: expr.span.start, end: Math.max(s.span.end, expr.span.end) };
      if (s.kind === 'call') expr = { kind: 'CallExpr', span, callee: expr, args: s.args };
      else if (s.kind === 'member') expr = { kind: 'MemberExpr', span, object: expr, member: s.member };
      else expr = { kind: 'IndexExpr', span, object: expr, indices: s.indices };
    }
    return expr;
  }

  memberSuffix(name: IToken, start: IToken, end: IToken): Suffix {
    const span = this.span(start, end);
    return { kind: 'member', span, member: this.ident(name, span) };
  }

  indexSuffix(items: readonly Part<A.Expr | A.SliceExpr>[], start: IToken, end: IToken): Suffix {
    const span = this.span(start, end);
    return { kind: 'index', span, indices: items.map((i) => i ?? errorExpr(span)) };
  }

  indexItem(startExpr: Part<A.Expr> | null, tail: Part<SliceTail> | null, start: IToken, end: IToken): A.Expr | A.SliceExpr {
    const span = this.span(start, end);
    if (!tail) return startExpr ?? errorExpr(span);
    return { kind: 'SliceExpr', span, start: startExpr ?? null, stop: tail.stop, step: tail.step, hasStep: tail.hasStep };
  }

  sliceTail(stop: Part<A.Expr> | null, step: { value: Part<A.Expr> | null } | undefined): SliceTail {
    return { stop: stop ?? null, step: step?.value ?? null, hasStep: step !== undefined };
  }

  argList(args: readonly Part<A.Argument>[], start: IToken, end: IToken): ArgList {
    const list = present(args);
    let sawNamed = false;
    for (const arg of list) {
      if (arg.name) sawNamed = true;
      else if (sawNamed) this.diagnostics.push(diagnostic('positionalAfterNamed', {}, this.source, arg.span));
    }
    return { kind: 'call', span: this.span(start, end), args: list };
  }

  argument(name: IToken | undefined, value: Part<A.Expr>, start: IToken, end: IToken): A.Argument {
    const span = this.span(start, end);
    return { kind: 'Argument', span, name: name ? this.ident(name, span) : null, value: value ?? errorExpr(span) };
  }

  listLiteral(elements: readonly Part<A.Expr>[], start: IToken, end: IToken): A.ListExpr {
    const span = this.span(start, end);
    return { kind: 'ListExpr', span, elements: elements.map((e) => e ?? errorExpr(span)) };
  }

  /**
   * Parentheses leave no node; the inner expression's span grows to cover them so the
   * spans of enclosing expressions start and end where the text does.
   */
  parenExpr(inner: Part<A.Expr>, start: IToken, end: IToken): A.Expr {
    const span = this.span(start, end);
    return { ...(inner ?? errorExpr(span)), span };
  }

  private numberLiteral(token: IToken, isInteger: boolean): A.Expr {
    const span = this.tokenSpan(token);
    if (isInserted(token)) return { kind: 'ErrorExpr', span };
    const text = token.image;
    // `12abc` (a BadNumber token) is reported by `parse`; here only misplaced `_`.
    if (token.tokenType !== T.BadNumber && text.includes('_') && /_(?!\d)|_(?=[.eE])|(?<![\d])_/.test(text)) {
      this.diagnostics.push(diagnostic('invalidNumber', { text: `\`${text}\`` }, this.source, span));
    }
    return { kind: 'NumberLiteral', span, text, value: Number(text.includes('_') ? text.replace(/_/g, '') : text), isInteger };
  }

  private stringLiteral(token: IToken): A.StringLiteral {
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
  private capped<T extends { readonly span: Span } | undefined>(items: readonly T[], fallback: Span): readonly T[] {
    if (items.length <= maxChain) return items;
    const cut = items[maxChain];
    this.diagnostics.push(diagnostic('nestingTooDeep', { limit: String(maxChain) }, this.source, cut?.span ?? fallback, { label: 'too deep here' }));
    return items.slice(0, maxChain);
  }

  // ---- tokens and spans ---------------------------------------------------------

  private ident(token: IToken | undefined, parent: Span): A.Identifier {
    const span = this.tokenSpan(token, parent);
    return { kind: 'Identifier', span, name: token && !isInserted(token) ? token.image : '' };
  }

  private tokenSpan(token: IToken | undefined, parent?: Span): Span {
    if (!token || isInserted(token)) return parent ?? { start: 0, end: 0 };
    return { start: token.startOffset, end: token.startOffset + token.image.length };
  }

  /**
   * From the first token a rule saw to the last one consumed. A rule the parser recovered
   * in may have consumed nothing (or only tokens it inserted, which have no offset).
   */
  private span(start: IToken, end: IToken): Span {
    const e = isInserted(end) ? -1 : Math.min(end.startOffset + end.image.length, this.length);
    const s = isInserted(start) ? Math.max(e, 0) : Math.min(start.startOffset, this.length);
    return { start: s, end: Math.max(e, s) };
  }
}

/** Whether recovery left a hole in `expr`; such an expression already has its diagnostic. */
function containsError(expr: A.Node): boolean {
  if (expr.kind === 'ErrorExpr') return true;
  return children(expr).some(containsError);
}

const binaryPrecedence: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  '==': 4,
  '!=': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '..': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
  '@': 7,
  '^': 9,
};
const powerPrecedence = 9;
const rangePrecedence = 5;
/** `not` applies to a comparison: `not a == b` is `not (a == b)`. */
const notOperandPrecedence = 4;
const nonAssociative: ReadonlySet<number> = new Set([4, 5]);

/** The longest operator chain or postfix chain kept in one expression. */
export const maxChain = 256;

function isToken(part: IToken | A.Expr): part is IToken {
  return (part as Partial<IToken>).tokenType !== undefined;
}

/** A token recovery inserted, or the end of input: neither has a place in the text. */
function isInserted(token: IToken): boolean {
  return token.isInsertedInRecovery === true || !(token.startOffset >= 0);
}

/** The parts that were parsed, without the holes recovery left. */
function present<T>(parts: readonly (T | null | undefined)[]): T[] {
  // The rules make a fresh list for each node, so one without holes is used as it is.
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === null || parts[i] === undefined) return parts.filter((p): p is T => p !== null && p !== undefined);
  }
  return parts as T[];
}

function errorExpr(span: Span): A.ErrorExpr {
  return { kind: 'ErrorExpr', span };
}

function emptyBody(span: Span): A.Body {
  return { kind: 'Body', span, statements: [] };
}

function joined(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
