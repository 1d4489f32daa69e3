import type { IToken } from 'chevrotain';
import { diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from './ast.js';
import { ExpressionBuilder } from './build/expressionBuilder.js';
import { containsError, emptyBody, errorExpr, isInserted, present, type ArgList, type CallableTail, type Part } from './build/parts.js';

/**
 * Builds AST nodes for the parser's rules (`grammar/` holds the grammar; each rule ends by
 * handing what it matched to one method here). This class makes the file, declarations and
 * statements; `build/expressionBuilder.ts` the expressions. Nodes get their spans from the
 * first token a rule saw and the last one it consumed. The builder also reports what the grammar leaves
 * to it: positional after named arguments, invalid assignment targets, misplaced `_` in
 * numbers, bad escapes, an unsupported pragma version, chained comparisons, over-long chains.
 * Top-level parts are collected here rather than returned, so what was parsed before a
 * failure at the top level survives it.
 */
export class AstBuilder extends ExpressionBuilder {
  readonly items: A.Item[] = [];
  pragma: A.Pragma | null = null;
  /** Where the last declaration the parser started began (-1 before the first). */
  lastItemStart = -1;

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

  fieldsDecl(
    kind: 'FeaturesDecl' | 'LabelsDecl',
    name: IToken,
    fields: Part<readonly Part<A.FieldDecl>[]>,
    start: IToken,
    end: IToken,
  ): A.FeaturesDecl | A.LabelsDecl {
    const span = this.span(start, end);
    return { kind, span, name: this.ident(name, span), fields: present(fields ?? []) };
  }

  fieldDecl(
    name: IToken,
    fieldKind: Part<A.Application>,
    def: Part<A.Expr>,
    transforms: readonly Part<A.Application>[],
    start: IToken,
    end: IToken,
  ): A.FieldDecl {
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

  signatureDecl(
    name: IToken,
    version: IToken,
    model: IToken | undefined,
    entries: readonly Part<A.SignatureEntry>[],
    start: IToken,
    end: IToken,
  ): A.SignatureDecl {
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
    return {
      kind: 'SignatureEntry',
      span: this.span(start, end),
      direction: direction.image === 'outputs' ? 'outputs' : 'inputs',
      items: present(items),
    };
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
    return {
      kind: 'ForStmt',
      span,
      variable: this.ident(variable, span),
      iterable: iterable ?? errorExpr(span),
      body: body ?? emptyBody(span),
    };
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
}
