import type * as A from '../ast.js';
import type { Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { SignatureRules } from './signatureRules.js';

/** Bodies and their statements: `for`, `if`/`else`, `return`, `out`, assignments and expressions. */
export abstract class StatementRules extends SignatureRules {
  body = this.RULE('body', (): Part<A.Body> => {
    const start = this.CONSUME(T.LBrace);
    const statements: Part<A.Stmt>[] = [];
    this.MANY(() => statements.push(this.SUBRULE(this.statement)));
    this.CONSUME(T.RBrace);
    return this.builder?.body(statements, start, this.LA(0));
  });

  statement = this.RULE('statement', (): Part<A.Stmt> => {
    const statement = this.OR(this.statementAlternatives);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return statement;
  });

  private readonly statementAlternatives = [
    { ALT: (): Part<A.Stmt> => this.SUBRULE(this.forStmt) },
    { ALT: () => this.SUBRULE(this.ifStmt) },
    { ALT: () => this.SUBRULE(this.returnStmt) },
    { ALT: () => this.SUBRULE(this.outStmt) },
    { ALT: () => this.SUBRULE(this.exprStmt) },
  ];

  forStmt = this.RULE('forStmt', (): Part<A.ForStmt> => {
    const start = this.CONSUME(T.For);
    const variable = this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    const iterable = this.SUBRULE(this.expression);
    const body = this.SUBRULE(this.body);
    return this.builder?.forStmt(variable, iterable, body, start, this.LA(0));
  });

  ifStmt = this.RULE('ifStmt', (): Part<A.IfStmt> => {
    const start = this.CONSUME(T.If);
    const condition = this.SUBRULE(this.expression);
    const then = this.SUBRULE(this.body);
    const otherwise = this.OPTION(() => {
      this.CONSUME(T.Else);
      return this.OR([{ ALT: (): Part<A.IfStmt | A.Body> => this.SUBRULE2(this.ifStmt) }, { ALT: () => this.SUBRULE2(this.body) }]);
    });
    return this.builder?.ifStmt(condition, then, otherwise, start, this.LA(0));
  });

  returnStmt = this.RULE('returnStmt', (): Part<A.ReturnStmt> => {
    const start = this.CONSUME(T.Return);
    const value = this.SUBRULE(this.expression);
    return this.builder?.returnStmt(value, start, this.LA(0));
  });

  outStmt = this.RULE('outStmt', (): Part<A.OutStmt> => {
    const start = this.CONSUME(T.Out);
    const name = this.CONSUME(T.Identifier);
    const value = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return this.SUBRULE(this.expression);
    });
    return this.builder?.outStmt(name, value, start, this.LA(0));
  });

  // An expression, or an assignment when `=` follows; the builder checks the target.
  exprStmt = this.RULE('exprStmt', (): Part<A.ExprStmt | A.AssignStmt> => {
    const start = this.LA(1);
    const target = this.SUBRULE(this.expression);
    const assigned = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return { value: this.SUBRULE2(this.expression) };
    });
    return this.builder?.exprStmt(target, assigned, start, this.LA(0));
  });
}
