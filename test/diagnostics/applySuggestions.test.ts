import { describe, expect, test } from '@jest/globals';
import { applySuggestions } from '../../src/diagnostics/applySuggestions.js';
import type { Suggestion } from '../../src/diagnostics/diagnostic.js';
import { SourceFile } from '../../src/source/sourceFile.js';

const text = 'bird 1\n\nmodel M(f: F) {\n  out p = rleu(f.x)\n}\n';
const source = new SourceFile('m.bird', text);
const fix = (find: string, replacement: string, at = text.indexOf(find)): Suggestion => ({
  source,
  span: { start: at, end: at + find.length },
  replacement,
  message: `replace \`${find}\` with \`${replacement}\``,
});

describe('applySuggestions', () => {
  test('applies fixes from last to first, so each span is read in the original text', () => {
    const r = applySuggestions(text, [fix('rleu', 'relu'), fix('M', 'Model'), fix('', '// fixed\n', 0)]);
    expect(r.text).toBe('// fixed\nbird 1\n\nmodel Model(f: F) {\n  out p = relu(f.x)\n}\n');
    expect(r.applied.map((s) => s.replacement)).toEqual(['// fixed\n', 'Model', 'relu']);
    expect(r.refused).toEqual([]);
  });

  test('the same fix from two diagnostics is applied once', () => {
    const r = applySuggestions(text, [fix('rleu', 'relu'), fix('rleu', 'relu')]);
    expect(r.text).toBe(text.replace('rleu', 'relu'));
    expect(r.applied).toHaveLength(1);
  });

  test('overlapping fixes are all refused, the others applied', () => {
    const r = applySuggestions(text, [fix('rleu', 'relu'), fix('leu(', 'elu('), fix('M', 'N')]);
    expect(r.text).toBe(text.replace('model M', 'model N'));
    expect(r.refused.map((s) => s.replacement).sort()).toEqual(['elu(', 'relu']);
  });

  test('two insertions at one point are refused; an insertion at the edge of a replacement is not', () => {
    const at = text.indexOf('rleu');
    const both = applySuggestions(text, [fix('', 'a', at), fix('', 'b', at)]);
    expect(both.text).toBe(text);
    expect(both.refused).toHaveLength(2);
    const edge = applySuggestions(text, [fix('', 'nn.', at), fix('rleu', 'relu')]);
    expect(edge.text).toBe(text.replace('rleu', 'nn.relu'));
    expect(edge.refused).toEqual([]);
    const inside = applySuggestions(text, [fix('', 'x', at + 1), fix('rleu', 'relu')]);
    expect(inside.refused).toHaveLength(2);
  });

  test('a fix outside the text is refused', () => {
    const r = applySuggestions(text, [fix('', 'x', text.length + 1)]);
    expect(r).toEqual({ text, applied: [], refused: [fix('', 'x', text.length + 1)] });
  });
});
