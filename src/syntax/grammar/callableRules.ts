import type { ParserMethod } from 'chevrotain';
import type * as A from '../ast.js';
import type { CallableTail, Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { FieldRules } from './fieldRules.js';

/** `block` and `model` declarations (name, parameters, return type, body), types, and `train`. */
export abstract class CallableRules extends FieldRules {
  abstract body: ParserMethod<[], Part<A.Body>>;

  blockDecl = this.RULE('blockDecl', (): Part<A.BlockDecl | A.ModelDecl> => {
    const start = this.CONSUME(T.Block);
    const tail = this.SUBRULE(this.callableTail);
    return this.builder?.callableDecl('BlockDecl', tail, start, this.LA(0));
  });

  modelDecl = this.RULE('modelDecl', (): Part<A.BlockDecl | A.ModelDecl> => {
    const start = this.CONSUME(T.Model);
    const tail = this.SUBRULE(this.callableTail);
    return this.builder?.callableDecl('ModelDecl', tail, start, this.LA(0));
  });

  callableTail = this.RULE('callableTail', (): Part<CallableTail> => {
    const name = this.CONSUME(T.Identifier);
    const params: Part<A.Param>[] = [];
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      params.push(this.SUBRULE(this.param));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        params.push(this.SUBRULE2(this.param));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    const returnType = this.OPTION3(() => {
      this.CONSUME(T.Arrow);
      return this.SUBRULE(this.typeRef);
    });
    const body = this.SUBRULE(this.body);
    return { name, params, returnType, body };
  });

  param = this.RULE('param', (): Part<A.Param> => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeRef);
    const def = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return this.SUBRULE(this.expression);
    });
    return this.builder?.param(name, type, def, name, this.LA(0));
  });

  // `int`, `int[]` (a list), `f32[B, D]` (a tensor with a symbolic shape), `f32[B, D][]`.
  typeRef = this.RULE('typeRef', (): Part<A.TypeRef> => {
    const name = this.CONSUME(T.Identifier);
    const dims: Part<A.DimList>[] = [];
    this.MANY(() => dims.push(this.SUBRULE(this.dimList)));
    return this.builder?.typeRef(name, dims, name, this.LA(0));
  });

  dimList = this.RULE('dimList', (): Part<A.DimList> => {
    const start = this.CONSUME(T.LBracket);
    const dims: Part<A.Expr>[] = [];
    this.OPTION(() => {
      dims.push(this.SUBRULE(this.binaryExpr));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        dims.push(this.SUBRULE2(this.binaryExpr));
      });
    });
    this.CONSUME(T.RBracket);
    return this.builder?.dimList(dims, start, this.LA(0));
  });

  trainDecl = this.RULE('trainDecl', (): Part<A.TrainDecl> => {
    const start = this.CONSUME(T.Train);
    const model = this.CONSUME(T.Identifier);
    const body = this.SUBRULE(this.body);
    return this.builder?.trainDecl(model, body, start, this.LA(0));
  });
}
