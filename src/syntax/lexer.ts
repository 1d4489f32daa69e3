import { Lexer } from 'chevrotain';
import { allTokens } from './tokens.js';

let instance: Lexer | undefined;

/**
 * One lexer for the process: building it validates every token pattern once. Tokens carry
 * offsets only (line numbers come from `SourceFile` when a message needs them), which makes
 * lexing faster and tokens smaller; `ensureOptimizations` makes a token pattern that would
 * defeat Chevrotain's first-character dispatch fail here rather than slow every lex.
 */
export function birdLexer(): Lexer {
  instance ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
  return instance;
}
