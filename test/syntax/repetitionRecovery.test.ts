/**
 * Found by `npm run fuzz`: a model body line of 4,000 comma-separated names
 * (`h = concat, concat, …`) overflowed the stack inside Chevrotain's in-repetition recovery
 * (one nested recovery per error), reported as BIRD9001 "the parser failed", and 1,000 took
 * over a second. The nested recoveries are now bounded (`maxRepetitionRecoveries`): the same
 * one syntax error as a short line gives, at the first comma.
 */
import { expect, test } from '@jest/globals';
import { SourceFile } from '../../src/source/sourceFile.js';
import { parse } from '../../src/syntax/parse.js';

const commas = (n: number): string => `bird 1\n\nmodel M(f: F) {\n  h = ${Array.from({ length: n }, () => 'concat').join(', ')}\n}\n`;

test.each([10, 4000, 20000])('%i names joined by commas give one located BIRD1005, not an internal error', (n) => {
  const source = new SourceFile('commas.bird', commas(n));
  const { diagnostics } = parse(source);
  expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['BIRD1005', 'expected a statement or `}`, found `,`']]);
  expect(diagnostics[0]!.primary.span.start).toBe(source.text.indexOf(','));
});
