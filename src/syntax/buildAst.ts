import type { CstNode, IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import type * as A from './ast.js';
import type * as C from './cst.js';
import { decodeString } from './decodeString.js';
import { children } from './visitor.js';

/**
 * Builds the AST from Chevrotain's CST. The CST may come from a recovered parse, so any
 * child can be missing: missing expressions become `ErrorExpr`, missing names empty
 * identifiers, and nothing here throws on user input.
 */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly source: SourceFile;

  constructor(source: SourceFile) {
    this.source = source;
  }

  module(csts: readonly C.ModuleCstNode[]): A.Module {
    let pragma: A.Pragma | null = null;
    const items: A.Item[] = [];
    for (const cst of csts) {
      const p = first(cst.children.pragma);
      if (p && pragma === null) pragma = this.pragma(p);
      for (const item of cst.children.item ?? []) {
        const built = this.item(item);
        if (built) items.push(built);
      }
    }
    return { kind: 'Module', span: { start: 0, end: this.source.text.length }, pragma, items };
  }

  private pragma(cst: C.PragmaCstNode): A.Pragma {
    const versionToken = first(cst.children.version);
    const versionSpan = this.tokenSpan(versionToken, cst);
    const version = versionToken && !isInserted(versionToken) ? Number(versionToken.image.replace(/_/g, '')) : 1;
    if (versionToken && !isInserted(versionToken) && version !== 1) {
      this.diagnostics.push(diagnostic('unsupportedVersion', { version: versionToken.image }, this.source, versionSpan));
    }
    return { kind: 'Pragma', span: this.nodeSpan(cst), version, versionSpan };
  }

  private item(cst: C.ItemCstNode): A.Item | null {
    const c = cst.children;
    if (c.importDecl?.[0]) return this.importDecl(c.importDecl[0]);
    if (c.constDecl?.[0]) return this.constDecl(c.constDecl[0]);
    if (c.featuresDecl?.[0]) {
      const f = c.featuresDecl[0];
      return { kind: 'FeaturesDecl', span: this.nodeSpan(f), name: this.ident(first(f.children.name), f), fields: this.fieldList(first(f.children.fieldList)) };
    }
    if (c.labelsDecl?.[0]) {
      const l = c.labelsDecl[0];
      return { kind: 'LabelsDecl', span: this.nodeSpan(l), name: this.ident(first(l.children.name), l), fields: this.fieldList(first(l.children.fieldList)) };
    }
    if (c.blockDecl?.[0]) return { kind: 'BlockDecl', span: this.nodeSpan(c.blockDecl[0]), ...this.callable(first(c.blockDecl[0].children.callableTail), c.blockDecl[0]) };
    if (c.modelDecl?.[0]) return { kind: 'ModelDecl', span: this.nodeSpan(c.modelDecl[0]), ...this.callable(first(c.modelDecl[0].children.callableTail), c.modelDecl[0]) };
    if (c.trainDecl?.[0]) {
      const t = c.trainDecl[0];
      return { kind: 'TrainDecl', span: this.nodeSpan(t), model: this.ident(first(t.children.model), t), body: this.body(first(t.children.body), t) };
    }
    if (c.signatureDecl?.[0]) return this.signatureDecl(c.signatureDecl[0]);
    return null;
  }

  private importDecl(cst: C.ImportDeclCstNode): A.ImportDecl {
    const c = cst.children;
    const rel = first(c.relativePath);
    const names = c.LBrace ? (c.importName ?? []).map((n) => this.importName(n)) : null;
    return {
      kind: 'ImportDecl',
      span: this.nodeSpan(cst),
      path: rel ? null : (c.pathSegment ?? []).map((t) => this.ident(t, cst)),
      relativePath: rel ? this.stringLiteral(rel) : null,
      names,
    };
  }

  private importName(cst: C.ImportNameCstNode): A.ImportName {
    const alias = first(cst.children.alias);
    return { kind: 'ImportName', span: this.nodeSpan(cst), name: this.ident(first(cst.children.name), cst), alias: alias ? this.ident(alias, cst) : null };
  }

  private constDecl(cst: C.ConstDeclCstNode): A.ConstDecl {
    const c = cst.children;
    const type = first(c.typeRef);
    return {
      kind: 'ConstDecl',
      span: this.nodeSpan(cst),
      name: this.ident(first(c.name), cst),
      type: type ? this.typeRef(type) : null,
      value: this.expression(first(c.expression), cst),
    };
  }

  private fieldList(cst: C.FieldListCstNode | undefined): A.FieldDecl[] {
    return (cst?.children.fieldDecl ?? []).map((f) => this.fieldDecl(f));
  }

  private fieldDecl(cst: C.FieldDeclCstNode): A.FieldDecl {
    const c = cst.children;
    const def = first(c.default);
    return {
      kind: 'FieldDecl',
      span: this.nodeSpan(cst),
      name: this.ident(first(c.name), cst),
      fieldKind: this.application(first(c.fieldKind), cst),
      default: def ? this.orExpr(def) : null,
      transforms: (c.transform ?? []).map((t) => this.application(t, cst)),
    };
  }

  private application(cst: C.ApplicationCstNode | undefined, parent: CstNode): A.Application {
    const args = first(cst?.children.argList);
    return {
      kind: 'Application',
      span: this.nodeSpan(cst ?? parent),
      name: this.ident(first(cst?.children.name), cst ?? parent),
      args: args ? this.argList(args) : null,
    };
  }

  private callable(cst: C.CallableTailCstNode | undefined, parent: CstNode): Omit<A.BlockDecl, 'kind' | 'span'> {
    const c = cst?.children;
    const ret = first(c?.returnType);
    return {
      name: this.ident(first(c?.name), parent),
      params: (c?.param ?? []).map((p) => this.param(p)),
      returnType: ret ? this.typeRef(ret) : null,
      body: this.body(first(c?.body), parent),
    };
  }

  private param(cst: C.ParamCstNode): A.Param {
    const c = cst.children;
    const type = first(c.typeRef);
    const def = first(c.default);
    return {
      kind: 'Param',
      span: this.nodeSpan(cst),
      name: this.ident(first(c.name), cst),
      type: type ? this.typeRef(type) : { kind: 'TypeRef', span: this.nodeSpan(cst), name: this.ident(undefined, cst), dims: [] },
      default: def ? this.expression(def, cst) : null,
    };
  }

  private typeRef(cst: C.TypeRefCstNode): A.TypeRef {
    return {
      kind: 'TypeRef',
      span: this.nodeSpan(cst),
      name: this.ident(first(cst.children.name), cst),
      dims: (cst.children.dimList ?? []).map((d) => ({
        kind: 'DimList' as const,
        span: this.nodeSpan(d),
        dims: (d.children.dim ?? []).map((e) => this.binaryChain(e)),
      })),
    };
  }

  private signatureDecl(cst: C.SignatureDeclCstNode): A.SignatureDecl {
    const c = cst.children;
    const version = first(c.version);
    const model = first(c.model);
    return {
      kind: 'SignatureDecl',
      span: this.nodeSpan(cst),
      name: this.ident(first(c.name), cst),
      version: { kind: 'SemverLiteral', span: this.tokenSpan(version, cst), text: version && !isInserted(version) ? version.image : '0.0.0' },
      model: model ? this.ident(model, cst) : null,
      entries: (c.signatureEntry ?? []).map((e) => ({
        kind: 'SignatureEntry' as const,
        span: this.nodeSpan(e),
        direction: first(e.children.direction)?.image === 'outputs' ? ('outputs' as const) : ('inputs' as const),
        items: (e.children.signatureItem ?? []).map((i) => {
          const alias = first(i.children.alias);
          return {
            kind: 'SignatureItem' as const,
            span: this.nodeSpan(i),
            value: this.postfix(first(i.children.value), i),
            alias: alias ? this.ident(alias, i) : null,
          };
        }),
      })),
    };
  }

  // ---- statements ---------------------------------------------------------------

  private body(cst: C.BodyCstNode | undefined, parent: CstNode): A.Body {
    const statements: A.Stmt[] = [];
    for (const s of cst?.children.statement ?? []) {
      const built = this.statement(s);
      if (built) statements.push(built);
    }
    return { kind: 'Body', span: this.nodeSpan(cst ?? parent), statements };
  }

  private statement(cst: C.StatementCstNode): A.Stmt | null {
    const c = cst.children;
    if (c.forStmt?.[0]) {
      const f = c.forStmt[0];
      return {
        kind: 'ForStmt',
        span: this.nodeSpan(f),
        variable: this.ident(first(f.children.variable), f),
        iterable: this.expression(first(f.children.iterable), f),
        body: this.body(first(f.children.body), f),
      };
    }
    if (c.ifStmt?.[0]) return this.ifStmt(c.ifStmt[0]);
    if (c.returnStmt?.[0]) {
      const r = c.returnStmt[0];
      return { kind: 'ReturnStmt', span: this.nodeSpan(r), value: this.expression(first(r.children.expression), r) };
    }
    if (c.outStmt?.[0]) {
      const o = c.outStmt[0];
      const e = first(o.children.expression);
      return { kind: 'OutStmt', span: this.nodeSpan(o), name: this.ident(first(o.children.name), o), value: e ? this.expression(e, o) : null };
    }
    const e = first(c.exprStmt);
    if (!e) return null;
    const target = this.expression(first(e.children.target), e);
    const valueCst = first(e.children.value);
    if (!e.children.Equals) return { kind: 'ExprStmt', span: this.nodeSpan(e), expr: target };
    const value = this.expression(valueCst, e);
    if (target.kind !== 'NameExpr') {
      if (!containsError(target)) this.diagnostics.push(diagnostic('invalidAssignTarget', {}, this.source, target.span));
      return { kind: 'ExprStmt', span: this.nodeSpan(e), expr: value };
    }
    return { kind: 'AssignStmt', span: this.nodeSpan(e), target: { kind: 'Identifier', span: target.span, name: target.name }, value };
  }

  private ifStmt(cst: C.IfStmtCstNode): A.IfStmt {
    const c = cst.children;
    const elseIf = first(c.elseIf);
    const elseBody = first(c.else);
    return {
      kind: 'IfStmt',
      span: this.nodeSpan(cst),
      condition: this.expression(first(c.condition), cst),
      then: this.body(first(c.then), cst),
      else: elseIf ? this.ifStmt(elseIf) : elseBody ? this.body(elseBody, cst) : null,
    };
  }

  // ---- expressions --------------------------------------------------------------

  private expression(cst: C.ExpressionCstNode | undefined, parent: CstNode): A.Expr {
    if (!cst) return this.errorExpr(parent);
    let expr = this.orExpr(first(cst.children.operand), cst);
    for (const stage of this.capped(cst.children.stage ?? [])) {
      const right = this.postfix(stage, cst);
      expr = { kind: 'PipeExpr', span: joined(expr.span, right.span), input: expr, stage: right };
    }
    return expr;
  }

  private orExpr(cst: C.BinaryExprCstNode | undefined, parent?: CstNode): A.Expr {
    return cst ? this.binaryChain(cst) : this.errorExpr(parent);
  }

  /**
   * Applies precedence to a flat run `operand (operator operand)*` by precedence climbing.
   * Prefix operators bind as the language says: `not` over comparisons, unary `-` over
   * everything but `^`; `^` associates to the right; comparisons and ranges do not chain.
   */
  private binaryChain(cst: C.BinaryExprCstNode): A.Expr {
    const operands = this.capped(cst.children.operand ?? []);
    const operators = (cst.children.operator ?? []).slice(0, Math.max(0, operands.length - 1));
    // Prefix operators belong to the operand after them.
    const prefixesOf: IToken[][] = operands.map(() => []);
    let k = 0;
    for (const p of cst.children.prefix ?? []) {
      while (k < operands.length && offsetOf(operands[k]!) < p.startOffset) k++;
      prefixesOf[k]?.push(p);
    }
    let at = 0;
    // The prefixes of the operand at `at` not yet applied.
    let prefixFrom = 0;
    const parse = (minPrec: number): A.Expr => {
      let left = unary();
      for (;;) {
        const op = operators[at];
        if (!op) return left;
        const prec = binaryPrecedence[op.image]!;
        if (prec < minPrec) return left;
        at++;
        prefixFrom = 0;
        const right = parse(prec === powerPrecedence ? prec : prec + 1);
        left = { kind: 'BinaryExpr', span: joined(left.span, right.span), operator: op.image as A.BinaryOperator, left, right };
        const next = operators[at];
        if (next && nonAssociative.has(prec) && binaryPrecedence[next.image] === prec) {
          this.diagnostics.push(
            diagnostic('chainedComparison', { operator: prec === rangePrecedence ? 'ranges' : 'comparison operators' }, this.source, this.tokenSpan(next), {
              label: 'second operator here',
              secondary: [{ source: this.source, span: this.tokenSpan(op), message: 'first operator here' }],
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
      if (!operand) return this.errorExpr(cst);
      const p = prefixesOf[at]![prefixFrom];
      if (p) {
        prefixFrom++;
        const inner = parse(p.image === 'not' ? notOperandPrecedence : powerPrecedence);
        return { kind: 'UnaryExpr', span: joined(this.tokenSpan(p, operand), inner.span), operator: p.image as A.UnaryOperator, operand: inner };
      }
      return this.postfix(operand, cst);
    };
    return parse(0);
  }

  private postfix(cst: C.PostfixExprCstNode | undefined, parent: CstNode): A.Expr {
    if (!cst) return this.errorExpr(parent);
    const c = cst.children;
    let expr = this.primary(cst);
    const suffixes: CstNode[] = [...(c.argList ?? []), ...(c.memberSuffix ?? []), ...(c.indexSuffix ?? [])];
    suffixes.sort((a, b) => offsetOf(a) - offsetOf(b));
    for (const s of this.capped(suffixes)) {
      const end = this.nodeSpan(s).end;
      const span: Span = { start: expr.span.start, end: Math.max(end, expr.span.end) };
      if (s.name === 'argList') {
        expr = { kind: 'CallExpr', span, callee: expr, args: this.argList(s as C.ArgListCstNode) };
      } else if (s.name === 'memberSuffix') {
        expr = { kind: 'MemberExpr', span, object: expr, member: this.ident(first((s as C.MemberSuffixCstNode).children.name), s) };
      } else {
        const items = (s as C.IndexSuffixCstNode).children.indexItem ?? [];
        expr = { kind: 'IndexExpr', span, object: expr, indices: items.map((i) => this.indexItem(i)) };
      }
    }
    return expr;
  }

  private indexItem(cst: C.IndexItemCstNode): A.Expr | A.SliceExpr {
    const start = first(cst.children.start);
    const tail = first(cst.children.sliceTail);
    const startExpr = start ? this.expression(start, cst) : null;
    if (!tail) return startExpr ?? this.errorExpr(cst);
    const stop = first(tail.children.stop);
    const step = first(tail.children.step);
    return {
      kind: 'SliceExpr',
      span: this.nodeSpan(cst),
      start: startExpr,
      stop: stop ? this.expression(stop, tail) : null,
      step: step ? this.expression(step, tail) : null,
      hasStep: tail.children.stepColon !== undefined,
    };
  }

  private argList(cst: C.ArgListCstNode): A.Argument[] {
    const args = (cst.children.argument ?? []).map((a): A.Argument => {
      const name = first(a.children.name);
      const value = this.expression(first(a.children.value), a);
      return { kind: 'Argument', span: this.nodeSpan(a), name: name ? this.ident(name, a) : null, value };
    });
    let sawNamed = false;
    for (const arg of args) {
      if (arg.name) sawNamed = true;
      else if (sawNamed) this.diagnostics.push(diagnostic('positionalAfterNamed', {}, this.source, arg.span));
    }
    return args;
  }

  /** The primary part of a postfix expression (its first token or bracketed group). */
  private primary(cst: C.PostfixExprCstNode): A.Expr {
    const c = cst.children;
    const num = first(c.Integer) ?? first(c.Float);
    if (num) return this.numberLiteral(num, c.Integer !== undefined, cst);
    const str = first(c.StringLiteral);
    if (str) return this.stringLiteral(str);
    const bool = first(c.True) ?? first(c.False);
    if (bool) return { kind: 'BoolLiteral', span: this.tokenSpan(bool, cst), value: bool.image === 'true' };
    const id = first(c.Identifier);
    if (id) return isInserted(id) ? this.errorExpr(cst) : { kind: 'NameExpr', span: this.tokenSpan(id, cst), name: id.image };
    const list = first(c.listLiteral);
    if (list) {
      return { kind: 'ListExpr', span: this.nodeSpan(list), elements: (list.children.element ?? []).map((e) => this.expression(e, list)) };
    }
    const paren = first(c.parenExpr);
    // Parentheses leave no node; the inner expression's span grows to cover them so the
    // spans of enclosing expressions start and end where the text does.
    if (paren) return { ...this.expression(first(paren.children.expression), paren), span: this.nodeSpan(paren) };
    return this.errorExpr(cst);
  }

  private numberLiteral(token: IToken, isInteger: boolean, parent: CstNode): A.Expr {
    const span = this.tokenSpan(token, parent);
    if (isInserted(token)) return { kind: 'ErrorExpr', span };
    const text = token.image;
    // `12abc` (a BadNumber token) is reported by `parse`; here only misplaced `_`.
    if (token.tokenType.name !== 'BadNumber' && /_(?!\d)|_(?=[.eE])|(?<![\d])_/.test(text)) {
      this.diagnostics.push(diagnostic('invalidNumber', { text: `\`${text}\`` }, this.source, span));
    }
    return { kind: 'NumberLiteral', span, text, value: Number(text.replace(/_/g, '')), isInteger };
  }

  private stringLiteral(token: IToken): A.StringLiteral {
    const span = this.tokenSpan(token);
    const closed = token.tokenType.name === 'UnterminatedString' ? `${token.image}"` : token.image;
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
  private capped<T extends CstNode>(items: readonly T[]): readonly T[] {
    if (items.length <= maxChain) return items;
    const cut = items[maxChain]!;
    this.diagnostics.push(diagnostic('nestingTooDeep', { limit: String(maxChain) }, this.source, this.nodeSpan(cut), { label: 'too deep here' }));
    return items.slice(0, maxChain);
  }

  // ---- tokens and spans ---------------------------------------------------------

  private ident(token: IToken | undefined, parent: CstNode): A.Identifier {
    const span = this.tokenSpan(token, parent);
    return { kind: 'Identifier', span, name: token && !isInserted(token) ? token.image : '' };
  }

  private errorExpr(parent: CstNode | undefined): A.ErrorExpr {
    return { kind: 'ErrorExpr', span: parent ? this.nodeSpan(parent) : { start: 0, end: 0 } };
  }

  private tokenSpan(token: IToken | undefined, parent?: CstNode): Span {
    if (!token || isInserted(token)) return parent ? this.nodeSpan(parent) : { start: 0, end: 0 };
    return { start: token.startOffset, end: token.startOffset + token.image.length };
  }

  // A node the parser recovered from may have no tokens: Chevrotain then reports NaN or -1.
  private nodeSpan(cst: CstNode): Span {
    const loc = cst.location;
    const start = loc && Number.isFinite(loc.startOffset) && loc.startOffset >= 0 ? loc.startOffset : 0;
    const end = loc?.endOffset !== undefined && Number.isFinite(loc.endOffset) && loc.endOffset >= 0 ? loc.endOffset + 1 : start;
    return { start: Math.min(start, this.source.text.length), end: Math.min(Math.max(end, start), this.source.text.length) };
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

function first<T>(xs: readonly T[] | undefined): T | undefined {
  return xs?.[0];
}

function isInserted(token: IToken): boolean {
  return token.isInsertedInRecovery === true || !Number.isFinite(token.startOffset);
}

function offsetOf(cst: CstNode): number {
  const o = cst.location?.startOffset;
  return o !== undefined && Number.isFinite(o) ? o : Number.MAX_SAFE_INTEGER;
}

function joined(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
