import type { IToken } from 'chevrotain';
import { diagnostic, secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type * as A from '../ast.js';
import { binaryPrec, Prec } from '../precedence.js';
import * as T from '../tokens.js';
import { BuilderCore } from './builderCore.js';
import { errorExpr, isInserted, isToken, joined, present, type ArgList, type Part, type SliceTail, type Suffix } from './parts.js';

/** Comparisons and ranges do not chain: `a < b < c` and `0..n..m` are errors. */
const nonAssociative: ReadonlySet<Prec> = new Set([Prec.Comparison, Prec.Range]);

/**
 * The expression nodes: pipelines, binary runs nested by precedence, operands and their
 * suffixes (calls, members, indexes and slices), lists and parentheses.
 */
export class ExpressionBuilder extends BuilderCore {
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
    const precOf = (op: IToken): Prec => binaryPrec[op.image as A.BinaryOperator];
    let at = 0;
    // The prefixes of the operand at `at` not yet applied.
    let prefixFrom = 0;
    const climb = (minPrec: number): A.Expr => {
      let left = unary();
      for (;;) {
        const op = operators[at];
        if (!op) return left;
        const prec = precOf(op);
        if (prec < minPrec) return left;
        at++;
        prefixFrom = 0;
        const right = climb(prec === Prec.Power ? prec : prec + 1);
        left = { kind: 'BinaryExpr', span: joined(left.span, right.span), operator: op.image as A.BinaryOperator, left, right };
        const next = operators[at];
        if (next && nonAssociative.has(prec) && precOf(next) === prec) {
          this.diagnostics.push(
            diagnostic(
              'chainedComparison',
              { operator: prec === Prec.Range ? 'ranges' : 'comparison operators' },
              this.source,
              this.tokenSpan(next),
              {
                label: 'second operator here',
                secondary: [secondaryLabel('firstOperatorHere', {}, this.source, this.tokenSpan(op))],
                ...(prec === Prec.Range ? { help: 'a range has one `..`, as in `0..n`' } : {}),
              },
            ),
          );
          // Skip the rest of the chain: its meaning is unclear.
          while (operators[at] && precOf(operators[at]!) === prec) {
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
        // `not` applies to a comparison: `not a == b` is `not (a == b)`.
        const inner = climb(p.image === 'not' ? Prec.Comparison : Prec.Power);
        return {
          kind: 'UnaryExpr',
          span: joined(this.tokenSpan(p, operand.span), inner.span),
          operator: p.image as A.UnaryOperator,
          operand: inner,
        };
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
}
