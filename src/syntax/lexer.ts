import { Lexer } from 'chevrotain';
import { allTokens } from './tokens.js';

let instance: Lexer | undefined;

/** One lexer for the process: building it validates every token pattern once. */
export function birdLexer(): Lexer {
  instance ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
  return instance;
}
