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
/**
 * Nested in-repetition recoveries allowed at once. Chevrotain recovers from an error inside
 * a repetition (`h = a, a, a, …` in a model body) by re-entering the repetition from within
 * the recovery, one stack level per error: 4,000 such errors on one line overflowed the
 * stack (BIRD9001 "the parser failed", found by `npm run fuzz`), and 1,000 took over a
 * second. Past this depth the repetition ends instead and the rule's own recovery goes on.
 */
export const maxRepetitionRecoveries = 64;

type RepetitionRecovery = (...args: unknown[]) => void;

export class BirdParser extends PostfixRules {
  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(errorMessageProvider);
    this.performSelfAnalysis();
    // Chevrotain installs its recovery as an instance property when recovery is enabled, so it is wrapped here rather than overridden.
    const self = this as unknown as { attemptInRepetitionRecovery: RepetitionRecovery };
    const recover = self.attemptInRepetitionRecovery;
    let depth = 0;
    self.attemptInRepetitionRecovery = function (this: unknown, ...args: unknown[]): void {
      if (depth >= maxRepetitionRecoveries) return;
      depth++;
      try {
        recover.apply(this, args);
      } finally {
        depth--;
      }
    };
  }
}
