import '../source/nodeCompat.js';
import { EmbeddedActionsParser, type IParserErrorMessageProvider, type IToken } from 'chevrotain';
import type * as A from './ast.js';
import type { AstBuilder, ArgList, CallableTail, Part, SliceTail, Suffix } from './buildAst.js';
import * as T from './tokens.js';

/** An index item's expression before any `:`, and its slice part. */
type IndexParts = [Part<A.Expr> | null, Part<SliceTail> | null];

/**
 * The Bird grammar. Each rule matches its part of the grammar, then hands what it matched
 * to one `AstBuilder` method; building the AST as it parses, rather than a concrete syntax
 * tree first, made parsing several times faster. `start` is the first token a rule sees
 * and `this.LA(0)` the last one it consumed: they give the node its span. Newlines are not
 * significant; statements end where the next one cannot continue the expression, and `;`
 * may separate them. The grammar file `grammar/bird.ebnf` and the railroad diagrams are
 * generated from these rules.
 */
export class BirdParser extends EmbeddedActionsParser {
  /**
   * Makes the nodes; `parse` gives each file a fresh one. There is none while Chevrotain
   * records the grammar (in the constructor, when every value a rule sees is a
   * placeholder), and `this.builder?.` then skips building: the cheap equivalent of `ACTION`.
   */
  builder: AstBuilder | undefined;

  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  /** The text being parsed: tokens carry only offsets into it. */
  text = '';

  /** Whether no line break separates the last token consumed from the next one. */
  private onSameLine(): boolean {
    const previous = this.LA(0);
    const next = this.LA(1);
    if (!(previous.startOffset >= 0 && next.startOffset >= 0)) return false;
    for (let i = previous.startOffset + previous.image.length; i < next.startOffset; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

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
  private readonly suffixLists: Part<Suffix>[][] = [];

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

  // Likewise a call `(` or an index `[` must start on the line of what it applies to;
  // `.member` may start a new line.
  postfixExpr = this.RULE('postfixExpr', (): Part<A.Expr> => {
    const start = this.LA(1);
    const primary = this.OR(this.primaryAlternatives);
    const suffixes: Part<Suffix>[] = [];
    this.suffixLists.push(suffixes);
    try {
      this.MANY(this.suffixRepetition);
    } finally {
      this.suffixLists.pop();
    }
    return this.builder?.postfix(this.builder.primary(primary, start), suffixes);
  });

  // The alternatives of the hottest rules are built once, not on every call (as Chevrotain
  // advises): rebuilding them was a third of all the memory parsing allocated. The primary
  // expression is inlined in `postfixExpr` rather than a rule of its own: one rule
  // invocation fewer per operand is a measurable share of parse time.
  private readonly primaryAlternatives = [
    { ALT: (): IToken | Part<A.Expr> => this.CONSUME(T.Integer) },
    { ALT: () => this.CONSUME(T.Float) },
    { ALT: () => this.CONSUME(T.StringLiteral) },
    { ALT: () => this.CONSUME(T.True) },
    { ALT: () => this.CONSUME(T.False) },
    { ALT: () => this.CONSUME(T.Identifier) },
    { ALT: () => this.SUBRULE(this.listLiteral) },
    { ALT: () => this.SUBRULE(this.parenExpr) },
  ];

  private readonly suffixAlternatives = [
    { ALT: (): Part<Suffix> => this.SUBRULE(this.argList) },
    { ALT: () => this.SUBRULE(this.memberSuffix) },
    { ALT: () => this.SUBRULE(this.indexSuffix) },
  ];

  private readonly suffixContinues = (): boolean => {
    const next = this.LA(1).tokenType;
    return (next !== T.LParen && next !== T.LBracket) || this.onSameLine();
  };

  private readonly suffixRepetition = {
    GATE: this.suffixContinues,
    DEF: (): void => {
      const suffix = this.OR2(this.suffixAlternatives);
      this.suffixLists[this.suffixLists.length - 1]!.push(suffix);
    },
  };

  memberSuffix = this.RULE('memberSuffix', (): Part<Suffix> => {
    const start = this.CONSUME(T.Dot);
    const name = this.CONSUME(T.Identifier);
    return this.builder?.memberSuffix(name, start, this.LA(0));
  });

  indexSuffix = this.RULE('indexSuffix', (): Part<Suffix> => {
    const start = this.CONSUME(T.LBracket);
    const items = [this.SUBRULE(this.indexItem)];
    this.MANY(() => {
      this.CONSUME(T.Comma);
      items.push(this.SUBRULE2(this.indexItem));
    });
    this.CONSUME(T.RBracket);
    return this.builder?.indexSuffix(items, start, this.LA(0));
  });

  // `i`, or a slice `start:stop:step` with every part optional.
  indexItem = this.RULE('indexItem', (): Part<A.Expr | A.SliceExpr> => {
    const start = this.LA(1);
    const parts = this.OR([
      { ALT: (): IndexParts => [null, this.SUBRULE(this.sliceTail)] },
      {
        ALT: (): IndexParts => {
          const index = this.SUBRULE(this.expression);
          return [index, this.OPTION(() => this.SUBRULE2(this.sliceTail)) ?? null];
        },
      },
    ]);
    return this.builder?.indexItem(parts[0], parts[1], start, this.LA(0));
  });

  sliceTail = this.RULE('sliceTail', (): Part<SliceTail> => {
    this.CONSUME(T.Colon);
    const stop = this.OPTION(() => this.SUBRULE(this.expression));
    const step = this.OPTION2(() => {
      this.CONSUME2(T.Colon);
      return { value: this.OPTION3(() => this.SUBRULE2(this.expression)) };
    });
    return this.builder?.sliceTail(stop, step);
  });

  argList = this.RULE('argList', (): Part<ArgList> => {
    const start = this.CONSUME(T.LParen);
    const args: Part<A.Argument>[] = [];
    this.OPTION(() => {
      args.push(this.SUBRULE(this.argument));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        args.push(this.SUBRULE2(this.argument));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
    return this.builder?.argList(args, start, this.LA(0));
  });

  argument = this.RULE('argument', (): Part<A.Argument> => {
    const start = this.LA(1);
    const name = this.OPTION(() => {
      const label = this.CONSUME(T.Identifier);
      this.CONSUME(T.Colon);
      return label;
    });
    const value = this.SUBRULE(this.expression);
    return this.builder?.argument(name, value, start, this.LA(0));
  });

  listLiteral = this.RULE('listLiteral', (): Part<A.Expr> => {
    const start = this.CONSUME(T.LBracket);
    const elements: Part<A.Expr>[] = [];
    this.OPTION(() => {
      elements.push(this.SUBRULE(this.expression));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        elements.push(this.SUBRULE2(this.expression));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
    return this.builder?.listLiteral(elements, start, this.LA(0));
  });

  parenExpr = this.RULE('parenExpr', (): Part<A.Expr> => {
    const start = this.CONSUME(T.LParen);
    const inner = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    return this.builder?.parenExpr(inner, start, this.LA(0));
  });
}
