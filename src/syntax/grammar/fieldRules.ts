import type { ParserMethod } from 'chevrotain';
import type * as A from '../ast.js';
import type { ArgList, Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { DeclarationRules } from './declarationRules.js';

/** `features` and `labels` sets: fields with a kind, a default and transforms. */
export abstract class FieldRules extends DeclarationRules {
  abstract binaryExpr: ParserMethod<[], Part<A.Expr>>;
  abstract argList: ParserMethod<[], Part<ArgList>>;

  featuresDecl = this.RULE('featuresDecl', (): Part<A.FeaturesDecl | A.LabelsDecl> => {
    const start = this.CONSUME(T.Features);
    const name = this.CONSUME(T.Identifier);
    const fields = this.SUBRULE(this.fieldList);
    return this.builder?.fieldsDecl('FeaturesDecl', name, fields, start, this.LA(0));
  });

  labelsDecl = this.RULE('labelsDecl', (): Part<A.FeaturesDecl | A.LabelsDecl> => {
    const start = this.CONSUME(T.Labels);
    const name = this.CONSUME(T.Identifier);
    const fields = this.SUBRULE(this.fieldList);
    return this.builder?.fieldsDecl('LabelsDecl', name, fields, start, this.LA(0));
  });

  fieldList = this.RULE('fieldList', (): Part<A.FieldDecl>[] => {
    const fields: Part<A.FieldDecl>[] = [];
    this.CONSUME(T.LBrace);
    this.MANY(() => fields.push(this.SUBRULE(this.fieldDecl)));
    this.CONSUME(T.RBrace);
    return fields;
  });

  // `distance : continuous = 0 |> log1p |> zscore`: the default stops before `|>`,
  // which starts the transform pipeline.
  fieldDecl = this.RULE('fieldDecl', (): Part<A.FieldDecl> => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const kind = this.SUBRULE(this.application);
    const def = this.OPTION(() => {
      this.CONSUME(T.Equals);
      return this.SUBRULE(this.binaryExpr);
    });
    const transforms: Part<A.Application>[] = [];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      transforms.push(this.SUBRULE2(this.application));
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
    return this.builder?.fieldDecl(name, kind, def, transforms, name, this.LA(0));
  });

  // A name with optional arguments: a feature kind `discrete(24)` or a transform `hash(bits: 12)`.
  application = this.RULE('application', (): Part<A.Application> => {
    const name = this.CONSUME(T.Identifier);
    const args = this.OPTION(() => this.SUBRULE(this.argList));
    return this.builder?.application(name, args, name, this.LA(0));
  });
}
