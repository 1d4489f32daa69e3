import type { IToken, ParserMethod } from 'chevrotain';
import type * as A from '../ast.js';
import type { Part } from '../build/parts.js';
import * as T from '../tokens.js';
import { ParserCore } from './parserCore.js';

/** The file: an optional `bird 1` pragma, then declarations; imports and constants. */
export abstract class DeclarationRules extends ParserCore {
  abstract featuresDecl: ParserMethod<[], Part<A.FeaturesDecl | A.LabelsDecl>>;
  abstract labelsDecl: ParserMethod<[], Part<A.FeaturesDecl | A.LabelsDecl>>;
  abstract blockDecl: ParserMethod<[], Part<A.BlockDecl | A.ModelDecl>>;
  abstract modelDecl: ParserMethod<[], Part<A.BlockDecl | A.ModelDecl>>;
  abstract trainDecl: ParserMethod<[], Part<A.TrainDecl>>;
  abstract signatureDecl: ParserMethod<[], Part<A.SignatureDecl>>;
  abstract typeRef: ParserMethod<[], Part<A.TypeRef>>;
  abstract expression: ParserMethod<[], Part<A.Expr>>;

  // Declarations are handed to the builder one by one, not returned: what was parsed
  // before an error the parser can only recover from at the top level survives it.
  module = this.RULE('module', () => {
    this.OPTION(() => {
      const pragma = this.SUBRULE(this.pragma);
      this.builder?.addPragma(pragma);
    });
    this.MANY(() => {
      const start = this.LA(1);
      this.builder?.startItem(start);
      const item = this.SUBRULE(this.item);
      this.builder?.addItem(item);
    });
  });

  pragma = this.RULE('pragma', (): Part<A.Pragma> => {
    const start = this.CONSUME(T.Bird);
    const version = this.CONSUME(T.Integer);
    return this.builder?.pragmaDecl(version, start, this.LA(0));
  });

  item = this.RULE('item', (): Part<A.Item> => {
    const item = this.OR([
      { ALT: (): Part<A.Item> => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.featuresDecl) },
      { ALT: () => this.SUBRULE(this.labelsDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
      { ALT: () => this.SUBRULE(this.signatureDecl) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return item;
  });

  importDecl = this.RULE('importDecl', (): Part<A.ImportDecl> => {
    const start = this.CONSUME(T.Import);
    const path = this.OR([
      { ALT: (): IToken | IToken[] => this.CONSUME(T.StringLiteral) },
      {
        ALT: () => {
          const segments = [this.CONSUME(T.Identifier)];
          this.MANY(() => {
            this.CONSUME(T.Dot);
            segments.push(this.CONSUME2(T.Identifier));
          });
          return segments;
        },
      },
    ]);
    const names = this.OPTION(() => {
      const list: Part<A.ImportName>[] = [];
      this.CONSUME(T.LBrace);
      this.OPTION2(() => {
        list.push(this.SUBRULE(this.importName));
        this.MANY2(() => {
          this.CONSUME(T.Comma);
          list.push(this.SUBRULE2(this.importName));
        });
        this.OPTION3(() => this.CONSUME2(T.Comma));
      });
      this.CONSUME(T.RBrace);
      return list;
    });
    return this.builder?.importDecl(path, names, start, this.LA(0));
  });

  importName = this.RULE('importName', (): Part<A.ImportName> => {
    const name = this.CONSUME(T.Identifier);
    const alias = this.OPTION(() => {
      this.CONSUME(T.As);
      return this.CONSUME2(T.Identifier);
    });
    return this.builder?.importName(name, alias, name, this.LA(0));
  });

  constDecl = this.RULE('constDecl', (): Part<A.ConstDecl> => {
    const start = this.CONSUME(T.Const);
    const name = this.CONSUME(T.Identifier);
    const type = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE(this.typeRef);
    });
    this.CONSUME(T.Equals);
    const value = this.SUBRULE(this.expression);
    return this.builder?.constDecl(name, type, value, start, this.LA(0));
  });
}
