import type { IParserErrorMessageProvider } from 'chevrotain';
import { PostfixRules } from './grammar/postfixRules.js';

/**
 * The Bird grammar. Each rule matches its part of the grammar, then hands what it matched
 * to one `AstBuilder` method; building the AST as it parses, rather than a concrete syntax
 * tree first, made parsing several times faster. `start` is the first token a rule sees
 * and `this.LA(0)` the last one it consumed: they give the node its span. Newlines are not
 * significant; statements end where the next one cannot continue the expression, and `;`
 * may separate them. The grammar file `grammar/bird.ebnf` and the railroad diagrams are
 * generated from these rules.
 *
 * The rules live in `grammar/`, one file per part of the language, as a chain of classes
 * (see `parserCore.ts`); this class ends the chain, so every rule is defined when it
 * analyses the grammar.
 */
export class BirdParser extends PostfixRules {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(errorMessageProvider);
    this.performSelfAnalysis();
  }
}
