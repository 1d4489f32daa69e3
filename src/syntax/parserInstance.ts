import { BirdParser } from './parser.js';
import { parseErrorMessages } from './parseErrorMessages.js';

let instance: BirdParser | undefined;

/** The parser is built once (grammar analysis is costly) and reused, as Chevrotain advises. */
export function parserInstance(): BirdParser {
  instance ??= new BirdParser(parseErrorMessages);
  return instance;
}
