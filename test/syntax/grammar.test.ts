import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { grammarDiagramsHtml, grammarEbnf } from '../../src/syntax/grammarArtifacts.js';
import { parserInstance } from '../../src/syntax/parserInstance.js';
import { expectGolden } from '../helpers/golden.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * The EBNF and the railroad diagrams are generated from the parser and
 * committed; these fail when the parser changed and they were not regenerated
 * (`npm run grammar`, which is `UPDATE_GOLDENS=1` on this file).
 */
describe('grammar files match the parser', () => {
  test('grammar/bird.ebnf', () => {
    expectGolden(join(root, 'grammar', 'bird.ebnf'), grammarEbnf());
  });
  test('grammar/diagrams.html', () => {
    expectGolden(join(root, 'grammar', 'diagrams.html'), grammarDiagramsHtml());
  });
  test('the EBNF has one production per parser rule', () => {
    const names = Object.keys(parserInstance().getGAstProductions());
    const defined = [...grammarEbnf().matchAll(/^(\w+)\s+::=/gm)].map((m) => m[1]);
    for (const name of names) expect(defined).toContain(name);
  });
  test('the diagrams page loads nothing from the network', () => {
    expect(grammarDiagramsHtml()).not.toMatch(/(src|href)=['"]https?:/);
  });
});
