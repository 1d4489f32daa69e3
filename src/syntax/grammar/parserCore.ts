import '../../source/nodeCompat.js';
import { EmbeddedActionsParser, type IParserErrorMessageProvider } from 'chevrotain';
import type { AstBuilder } from '../buildAst.js';
import * as T from '../tokens.js';

/** Thrown out of a parse whose `recoveryBudget` ran out; `parse` reports where it stopped. */
export class ParseHalted extends Error {}

/**
 * What every grammar rule file shares: the Chevrotain parser, the builder the rules hand
 * their matches to, and the text the tokens point into. The grammar is a chain of classes
 * read top-down (declarations, callables, signatures, statements, operators, postfix
 * expressions), each adding the rules of one part of the language; a rule a class uses
 * but a later one defines is declared `abstract` where it is first used. `BirdParser`
 * (`parser.ts`) ends the chain and analyses the grammar. Rules are recorded in definition
 * order, which is the order of `grammar/bird.ebnf`.
 */
export abstract class ParserCore extends EmbeddedActionsParser {
  /**
   * Makes the nodes; `parse` gives each file a fresh one. There is none while Chevrotain
   * records the grammar (in the constructor, when every value a rule sees is a
   * placeholder), and `this.builder?.` then skips building: the cheap equivalent of `ACTION`.
   */
  builder: AstBuilder | undefined;

  /** The text being parsed: tokens carry only offsets into it. */
  text = '';

  /**
   * How many more errors the parser may recover from before it stops (`ParseHalted`);
   * `parse` sets it per file. Each recovery walks the grammar and allocates, so a 20,000-term
   * chain of mistakes (48,000 recoveries, all reported as one diagnostic per line) took
   * seconds; past a few thousand, further diagnostics are past the reported limit anyway.
   */
  recoveryBudget = Number.POSITIVE_INFINITY;

  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    // Chevrotain records every error it recovers from through SAVE_ERROR (absent from its
    // typings); counting there is the one place that sees them all.
    const recorder = this as unknown as { SAVE_ERROR(error: unknown): unknown };
    const save = recorder.SAVE_ERROR.bind(this);
    recorder.SAVE_ERROR = (error: unknown) => {
      if (--this.recoveryBudget < 0) throw new ParseHalted();
      return save(error);
    };
  }

  /** Whether no line break separates the last token consumed from the next one. */
  protected onSameLine(): boolean {
    const previous = this.LA(0);
    const next = this.LA(1);
    if (!(previous.startOffset >= 0 && next.startOffset >= 0)) return false;
    for (let i = previous.startOffset + previous.image.length; i < next.startOffset; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }
}
