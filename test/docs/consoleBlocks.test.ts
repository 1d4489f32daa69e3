// The pieces of the console-block runner (consoleBlocks.ts) on small inputs.
import { expect, test } from '@jest/globals';
import { consoleCommands, matchOutput } from './consoleBlocks.js';

test('consoleCommands reads commands and their output', () => {
  expect(consoleCommands('x.md', { kind: 'fence', lang: 'console', line: 10, text: '$ a\none\ntwo\n$ b\n' })).toEqual([
    { line: 11, text: 'a', output: ['one', 'two'] },
    { line: 14, text: 'b', output: [] },
  ]);
});

test('matchOutput: masks, the real text they bind, and `...` lines', () => {
  expect(matchOutput('run written to runs/M/2026-01-01Z\n', 'run written to runs/M/2027-02-02Z\n', ['runs/M/[0-9-]+Z']).pairs).toEqual([
    ['runs/M/2026-01-01Z', 'runs/M/2027-02-02Z'],
  ]);
  expect(matchOutput('took 3 s\n', 'took 4 s, twice\n', ['\\d+ s']).pairs).toBeUndefined();
  expect(matchOutput('a\n...\nz\n', 'a\nb\nc\nz\n', []).pairs).toEqual([]);
  expect(matchOutput('a\n...\nz\n', 'a\nz\n', []).pairs).toEqual([]);
  expect(matchOutput('a\n...\nz\n', 'a\nb\n', []).pairs).toBeUndefined();
  expect(matchOutput('a\n', 'a\nb\n', []).pairs).toBeUndefined();
});
