import type { IToken } from 'chevrotain';
import type * as A from '../ast.js';
import type { ArgList, Part, SliceTail, Suffix } from '../build/parts.js';
import * as T from '../tokens.js';
import { OperatorRules } from './operatorRules.js';

/** An index item's expression before any `:`, and its slice part. */
type IndexParts = [Part<A.Expr> | null, Part<SliceTail> | null];

/** Operands: literals, names, lists, parentheses, and their calls, members and indexes. */
export abstract class PostfixRules extends OperatorRules {
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

  private readonly suffixLists: Part<Suffix>[][] = [];

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
