import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import type { Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { StatementRules } from './statementRules.js';

/** Expressions: a binary run of operands and operators, then `|>` pipe stages. */
export abstract class OperatorRules extends StatementRules {
  expression = this.RULE('expression', (): Part<A.Expr> => {
    const start = this.LA(1);
    const operand = this.SUBRULE(this.binaryExpr);
    const stages: Part<A.Expr>[] = [];
    this.stages.push(stages);
    try {
      this.MANY(this.pipeStage);
    } finally {
      this.stages.pop();
    }
    return this.builder?.pipeline(operand, stages, start, this.LA(0));
  });

  // Every operand passes through `expression`, `binaryExpr` and `postfixExpr`: their
  // repetition bodies are built once and collect into the array on top of a stack, instead
  // of closures and option objects built on every call (the largest share of what parsing
  // allocated). A nested expression pushes its own array; `finally` keeps the stacks
  // balanced when a rule stops on a syntax error.
  private readonly stages: Part<A.Expr>[][] = [];
  private readonly runs: (IToken | Part<A.Expr>)[][] = [];

  private readonly pipeStage = (): void => {
    this.CONSUME(T.Pipe);
    const stage = this.SUBRULE(this.postfixExpr);
    this.stages[this.stages.length - 1]!.push(stage);
  };

  // Operands and binary operators as a flat run; precedence (weakest first: `or`, `and`,
  // `not`, comparisons, `..`, `+ -`, `* / % @`, unary `- +`, `^`) is applied by the
  // builder. `+` and `-` continue only on the same line: a line starting with `-x` is a
  // new statement, so removing `;` between statements never changes their meaning.
  // Each operand may carry prefix operators (`-x`, `not a`); the builder gives each to
  // the operand that follows it.
  binaryExpr = this.RULE('binaryExpr', (): Part<A.Expr> => {
    const start = this.LA(1);
    const run: (IToken | Part<A.Expr>)[] = [];
    this.runs.push(run);
    try {
      this.MANY(this.prefixOperator);
      run.push(this.SUBRULE(this.postfixExpr));
      this.MANY2(this.binaryTail);
    } finally {
      this.runs.pop();
    }
    return this.builder?.binaryRun(run, start, this.LA(0));
  });

  private readonly operatorContinues = (): boolean => {
    const next = this.LA(1).tokenType;
    return (next !== T.Plus && next !== T.Minus) || this.onSameLine();
  };

  private readonly prefixOperator = (): void => {
    this.runs[this.runs.length - 1]!.push(this.CONSUME(T.PrefixOperator));
  };

  private readonly prefixOperator2 = (): void => {
    this.runs[this.runs.length - 1]!.push(this.CONSUME2(T.PrefixOperator));
  };

  private readonly binaryTail = {
    GATE: this.operatorContinues,
    DEF: (): void => {
      this.runs[this.runs.length - 1]!.push(this.CONSUME(T.BinaryOperator));
      this.MANY3(this.prefixOperator2);
      const operand = this.SUBRULE2(this.postfixExpr);
      this.runs[this.runs.length - 1]!.push(operand);
    },
  };
}
