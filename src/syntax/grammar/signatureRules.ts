import type { ParserMethod } from 'chevrotain';
import type * as A from '../ast.js';
import type { Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { CallableRules } from './callableRules.js';

/** `signature name@1.2.0 for Model { inputs ...; outputs ... }`: a versioned serving signature. */
export abstract class SignatureRules extends CallableRules {
  abstract postfixExpr: ParserMethod<[], Part<A.Expr>>;

  signatureDecl = this.RULE('signatureDecl', (): Part<A.SignatureDecl> => {
    const start = this.CONSUME(T.Signature);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.At);
    const version = this.CONSUME(T.Semver);
    const model = this.OPTION(() => {
      this.CONSUME(T.For);
      return this.CONSUME2(T.Identifier);
    });
    const entries: Part<A.SignatureEntry>[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => entries.push(this.SUBRULE(this.signatureEntry)));
    this.CONSUME(T.RBrace);
    return this.builder?.signatureDecl(name, version, model, entries, start, this.LA(0));
  });

  signatureEntry = this.RULE('signatureEntry', (): Part<A.SignatureEntry> => {
    const direction = this.OR([{ ALT: () => this.CONSUME(T.Inputs) }, { ALT: () => this.CONSUME(T.Outputs) }]);
    const items = [this.SUBRULE(this.signatureItem)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      items.push(this.SUBRULE2(this.signatureItem));
    });
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return this.builder?.signatureEntry(direction, items, direction, this.LA(0));
  });

  signatureItem = this.RULE('signatureItem', (): Part<A.SignatureItem> => {
    const start = this.LA(1);
    const value = this.SUBRULE(this.postfixExpr);
    const alias = this.OPTION(() => {
      this.CONSUME(T.As);
      return this.CONSUME(T.Identifier);
    });
    return this.builder?.signatureItem(value, alias, start, this.LA(0));
  });
}
