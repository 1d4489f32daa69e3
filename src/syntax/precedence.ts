import type * as A from './ast.js';

/**
 * Binding strength, weakest first. The AST builder climbs these to nest a binary run
 * (`build/expressionBuilder.ts`), and the printer compares them to re-derive parentheses:
 * one table, so the two cannot disagree.
 */
export enum Prec {
  Pipe = 1,
  Or,
  And,
  Not,
  Comparison,
  Range,
  Additive,
  Multiplicative,
  Unary,
  Power,
  Postfix,
}

export const binaryPrec: Readonly<Record<A.BinaryOperator, Prec>> = {
  or: Prec.Or,
  and: Prec.And,
  '==': Prec.Comparison,
  '!=': Prec.Comparison,
  '<': Prec.Comparison,
  '<=': Prec.Comparison,
  '>': Prec.Comparison,
  '>=': Prec.Comparison,
  '..': Prec.Range,
  '+': Prec.Additive,
  '-': Prec.Additive,
  '*': Prec.Multiplicative,
  '/': Prec.Multiplicative,
  '%': Prec.Multiplicative,
  '@': Prec.Multiplicative,
  '^': Prec.Power,
};
