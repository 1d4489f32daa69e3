import '../source/nodeCompat.js';
import { CstParser, type IParserErrorMessageProvider } from 'chevrotain';
import * as T from './tokens.js';

/**
 * The Bird grammar, and only the grammar: every rule builds a concrete syntax tree and the
 * AST is made by `buildAst`. Newlines are not significant; statements end where the next
 * one cannot continue the expression, and `;` may separate them. The grammar file
 * `grammar/bird.ebnf` and the railroad diagrams are generated from these rules.
 */
export class BirdParser extends CstParser {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  /** Whether the next token starts on the line where the previous one ended. */
  private onSameLine(): boolean {
    const previous = this.LA(0);
    const next = this.LA(1);
    return previous.endLine === undefined || next.startLine === undefined || previous.endLine === next.startLine;
  }

  module = this.RULE('module', () => {
    this.OPTION(() => this.SUBRULE(this.pragma));
    this.MANY(() => this.SUBRULE(this.item));
  });

  pragma = this.RULE('pragma', () => {
    this.CONSUME(T.Bird);
    this.CONSUME(T.Integer, { LABEL: 'version' });
  });

  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.constDecl) },
      { ALT: () => this.SUBRULE(this.featuresDecl) },
      { ALT: () => this.SUBRULE(this.labelsDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
      { ALT: () => this.SUBRULE(this.signatureDecl) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'relativePath' }) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'pathSegment' });
          this.MANY(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Identifier, { LABEL: 'pathSegment' });
          });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.OPTION2(() => {
        this.SUBRULE(this.importName);
        this.MANY2(() => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.importName);
        });
        this.OPTION3(() => this.CONSUME2(T.Comma));
      });
      this.CONSUME(T.RBrace);
    });
  });

  importName = this.RULE('importName', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier, { LABEL: 'alias' });
    });
  });

  constDecl = this.RULE('constDecl', () => {
    this.CONSUME(T.Const);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeRef);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  featuresDecl = this.RULE('featuresDecl', () => {
    this.CONSUME(T.Features);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.SUBRULE(this.fieldList);
  });

  labelsDecl = this.RULE('labelsDecl', () => {
    this.CONSUME(T.Labels);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.SUBRULE(this.fieldList);
  });

  fieldList = this.RULE('fieldList', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.fieldDecl));
    this.CONSUME(T.RBrace);
  });

  // `distance : continuous = 0 |> log1p |> zscore`: the default stops before `|>`,
  // which starts the transform pipeline.
  fieldDecl = this.RULE('fieldDecl', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.application, { LABEL: 'fieldKind' });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.binaryExpr, { LABEL: 'default' });
    });
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.application, { LABEL: 'transform' });
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  // A name with optional arguments: a feature kind `discrete(24)` or a transform `hash(bits: 12)`.
  application = this.RULE('application', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => this.SUBRULE(this.argList));
  });

  blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(T.Block);
    this.SUBRULE(this.callableTail);
  });

  modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.SUBRULE(this.callableTail);
  });

  callableTail = this.RULE('callableTail', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.param);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    this.OPTION3(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE(this.typeRef, { LABEL: 'returnType' });
    });
    this.SUBRULE(this.body);
  });

  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { LABEL: 'default' });
    });
  });

  // `int`, `int[]` (a list), `f32[B, D]` (a tensor with a symbolic shape), `f32[B, D][]`.
  typeRef = this.RULE('typeRef', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.MANY(() => this.SUBRULE(this.dimList));
  });

  dimList = this.RULE('dimList', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.binaryExpr, { LABEL: 'dim' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.binaryExpr, { LABEL: 'dim' });
      });
    });
    this.CONSUME(T.RBracket);
  });

  trainDecl = this.RULE('trainDecl', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier, { LABEL: 'model' });
    this.SUBRULE(this.body);
  });

  signatureDecl = this.RULE('signatureDecl', () => {
    this.CONSUME(T.Signature);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.At);
    this.CONSUME(T.Semver, { LABEL: 'version' });
    this.OPTION(() => {
      this.CONSUME(T.For);
      this.CONSUME2(T.Identifier, { LABEL: 'model' });
    });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.signatureEntry));
    this.CONSUME(T.RBrace);
  });

  signatureEntry = this.RULE('signatureEntry', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Inputs, { LABEL: 'direction' }) }, { ALT: () => this.CONSUME(T.Outputs, { LABEL: 'direction' }) }]);
    this.SUBRULE(this.signatureItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.signatureItem);
    });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  signatureItem = this.RULE('signatureItem', () => {
    this.SUBRULE(this.postfixExpr, { LABEL: 'value' });
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier, { LABEL: 'alias' });
    });
  });

  body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RBrace);
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.forStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.outStmt) },
      { ALT: () => this.SUBRULE(this.exprStmt) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  forStmt = this.RULE('forStmt', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.Identifier, { LABEL: 'variable' });
    this.CONSUME(T.In);
    this.SUBRULE(this.expression, { LABEL: 'iterable' });
    this.SUBRULE(this.body);
  });

  ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { LABEL: 'condition' });
    this.SUBRULE(this.body, { LABEL: 'then' });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([{ ALT: () => this.SUBRULE2(this.ifStmt, { LABEL: 'elseIf' }) }, { ALT: () => this.SUBRULE2(this.body, { LABEL: 'else' }) }]);
    });
  });

  returnStmt = this.RULE('returnStmt', () => {
    this.CONSUME(T.Return);
    this.SUBRULE(this.expression);
  });

  outStmt = this.RULE('outStmt', () => {
    this.CONSUME(T.Out);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  // An expression, or an assignment when `=` follows; the AST builder checks the target.
  exprStmt = this.RULE('exprStmt', () => {
    this.SUBRULE(this.expression, { LABEL: 'target' });
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE2(this.expression, { LABEL: 'value' });
    });
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.binaryExpr, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE(this.postfixExpr, { LABEL: 'stage' });
    });
  });

  // Operands and binary operators as a flat run; precedence (weakest first: `or`, `and`,
  // `not`, comparisons, `..`, `+ -`, `* / % @`, unary `- +`, `^`) is applied by the AST
  // builder. `+` and `-` continue only on the same line: a line starting with `-x` is a
  // new statement, so removing `;` between statements never changes their meaning.
  // Each operand may carry prefix operators (`-x`, `not a`); they stay in this rule, and
  // the AST builder gives each to the operand that follows it.
  binaryExpr = this.RULE('binaryExpr', () => {
    this.MANY(() => this.CONSUME(T.PrefixOperator, { LABEL: 'prefix' }));
    this.SUBRULE(this.postfixExpr, { LABEL: 'operand' });
    this.MANY2({
      GATE: () => (this.LA(1).tokenType !== T.Plus && this.LA(1).tokenType !== T.Minus) || this.onSameLine(),
      DEF: () => {
        this.CONSUME(T.BinaryOperator, { LABEL: 'operator' });
        this.MANY3(() => this.CONSUME2(T.PrefixOperator, { LABEL: 'prefix' }));
        this.SUBRULE2(this.postfixExpr, { LABEL: 'operand' });
      },
    });
  });

  // Likewise a call `(` or an index `[` must start on the line of what it applies to;
  // `.member` may start a new line.
  postfixExpr = this.RULE('postfixExpr', () => {
    // The primary expression is inlined here rather than a rule of its own: one rule
    // invocation fewer per operand is a measurable share of parse time.
    this.OR([
      { ALT: () => this.CONSUME(T.Integer) },
      { ALT: () => this.CONSUME(T.Float) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
    ]);
    this.MANY({
      GATE: () => this.LA(1).tokenType === T.Dot || this.onSameLine(),
      DEF: () => this.OR2([
        { ALT: () => this.SUBRULE(this.argList) },
        { ALT: () => this.SUBRULE(this.memberSuffix) },
        { ALT: () => this.SUBRULE(this.indexSuffix) },
      ]),
    });
  });

  memberSuffix = this.RULE('memberSuffix', () => {
    this.CONSUME(T.Dot);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
  });

  indexSuffix = this.RULE('indexSuffix', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.indexItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.indexItem);
    });
    this.CONSUME(T.RBracket);
  });

  // `i`, or a slice `start:stop:step` with every part optional.
  indexItem = this.RULE('indexItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sliceTail) },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'start' });
          this.OPTION(() => this.SUBRULE2(this.sliceTail));
        },
      },
    ]);
  });

  sliceTail = this.RULE('sliceTail', () => {
    this.CONSUME(T.Colon);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'stop' }));
    this.OPTION2(() => {
      this.CONSUME2(T.Colon, { LABEL: 'stepColon' });
      this.OPTION3(() => this.SUBRULE2(this.expression, { LABEL: 'step' }));
    });
  });

  argList = this.RULE('argList', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE('argument', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'name' });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression, { LABEL: 'value' });
  });

  listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'element' });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression, { LABEL: 'element' });
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  parenExpr = this.RULE('parenExpr', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });
}


