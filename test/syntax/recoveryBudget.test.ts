/**
 * Found by `npm run fuzz` (seed 5): a features field of 20,000 `binary +` terms made the
 * parser recover from 48,000 errors, all on one line and so reported as one diagnostic, and
 * `bird check` took over 2 s. The parser now stops after `maxRecoveries` recoveries with a
 * BIRD1012 where it stopped; a line of a few such terms reports as before.
 */
import { expect, test } from '@jest/globals';
import { SourceFile } from '../../src/source/sourceFile.js';
import { maxRecoveries, parse } from '../../src/syntax/parse.js';

const chain = (n: number): string =>
  `bird 1\n\nfeatures F {\n  y : ${Array.from({ length: n }, () => 'binary').join(' + ')}\n}\n\nmodel M(f: F) {\n  out p = f.y\n}\n`;

test('a few chained terms give their syntax error and no BIRD1012', () => {
  const { diagnostics } = parse(new SourceFile('chain.bird', chain(10)));
  expect(diagnostics.length).toBeGreaterThan(0);
  expect(diagnostics.map((d) => d.code)).not.toContain('BIRD1012');
});

test('5,000 chained terms stop the parser at its recovery budget, located on the chain', () => {
  const source = new SourceFile('chain.bird', chain(5000));
  const { diagnostics } = parse(source);
  const short = parse(new SourceFile('chain.bird', chain(10))).diagnostics;
  // The first errors are those of the short chain, then where the parser stopped.
  expect(diagnostics.slice(0, short.length).map((d) => [d.code, d.message])).toEqual(short.map((d) => [d.code, d.message]));
  const halt = diagnostics.find((d) => d.code === 'BIRD1012');
  expect(halt).toBeDefined();
  expect(halt!.primary.message).toBe(`the parser stopped here, after recovering from ${maxRecoveries} errors`);
  const line = source.text.split('\n')[3]!;
  const lineStart = source.text.indexOf(line);
  expect(halt!.primary.span.start).toBeGreaterThan(lineStart);
  expect(halt!.primary.span.end).toBeLessThanOrEqual(lineStart + line.length);
});
