/**
 * With `--json` every command prints exactly one JSON document on stdout: its result,
 * its diagnostics, or a usage error (internal errors: jsonInternalError.test.ts).
 * `JSON.parse` of the whole of stdout fails on nothing, on text, and on two documents.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';

const root = join(import.meta.dirname, '..', '..');
const flights = join(root, 'models', 'flights.bird');
const dir = mkdtempSync(join(tmpdir(), 'bird-json-'));
const bad = join(dir, 'bad.bird');
writeFileSync(bad, 'bird 1\nconst A = 1 +\n');
const missing = join(dir, 'no-artifact');

async function json(...argv: string[]): Promise<{ code: number; doc: Record<string, unknown> }> {
  let stdout = '';
  const code = await runCli([...argv, '--json'], { stdout: (t) => void (stdout += t), stderr: () => undefined });
  return { code, doc: JSON.parse(stdout) as Record<string, unknown> };
}

const codes = (doc: Record<string, unknown>): string[] => (doc['diagnostics'] as { code: string }[]).map((d) => d.code);

test.each([
  ['check', ['check', bad]],
  ['fmt', ['fmt', '--check', bad]],
  ['compile', ['compile', '--emit', 'ir', bad]],
  ['fit', ['fit', bad, '--data', 'd.csv', '--out', join(dir, 'f.json')]],
  ['train', ['train', bad]],
  ['predict', ['predict', bad, '--checkpoint', dir, '--data', 'd.csv', '--out', join(dir, 'p.csv')]],
  ['export', ['export', bad, '--checkpoint', dir]],
  ['graph', ['graph', bad]],
])('%s: diagnostics in the file are one document, exit 1', async (_command, argv) => {
  const r = await json(...argv);
  expect([r.code, codes(r.doc)]).toEqual([1, ['BIRD1007']]);
});

test.each([
  ['verify', ['verify', missing]],
  ['diff', ['diff', missing, missing]],
  ['predict', ['predict', missing, '--data', 'd.csv', '--out', join(dir, 'p.csv')]],
  ['graph', ['graph', missing]],
])('%s: a missing artifact is one document, exit 1', async (_command, argv) => {
  const r = await json(...argv);
  expect([r.code, codes(r.doc)]).toEqual([1, ['BIRD6004']]);
});

test.each([
  ['unknown command', ['trainn', flights], 'unknown command `trainn`; did you mean `train`?'],
  ['unknown flag', ['check', flights, '--nope'], 'Unknown argument: nope'],
  ['a check in the builder', ['train', flights, '--epochs', '0'], '`--epochs` must be a whole number, 1 or more'],
  ['a usage error of the action', ['report', dir], `\`${dir}\` has no \`config.json\`: not a run folder written by \`bird train\``],
  [
    'an --out that cannot be written',
    ['predict', flights, '--checkpoint', dir, '--data', 'd.csv', '--out', join(flights, 'p.csv')],
    `cannot write \`${join(flights, 'p.csv')}\`: \`${flights}\` is a file, not a folder`,
  ],
])('a usage error (%s) is one document, exit 2', async (_what, argv, message) => {
  const r = await json(...argv);
  expect([r.code, r.doc]).toEqual([2, { error: 'usage', message, diagnostics: [] }]);
});

test('results are one document too: check, fmt, compile, graph without --out', async () => {
  expect(await json('check', flights)).toEqual({ code: 0, doc: { files: [flights], diagnostics: [] } });
  expect(await json('fmt', '--check', flights)).toEqual({ code: 0, doc: { changed: [], diagnostics: [] } });
  const ir = await json('compile', '--emit', 'ir', flights);
  expect([ir.code, ir.doc['emit'], ir.doc['diagnostics']]).toEqual([0, 'ir', []]);
  expect(ir.doc['output']).toMatch(/^bird-ir 1 "DelayMlp"/);
  const dot = await json('graph', flights, '--format', 'dot');
  expect([dot.code, dot.doc['out'], dot.doc['model'], dot.doc['format']]).toEqual([0, null, 'DelayMlp', 'dot']);
  expect(dot.doc['graph']).toMatch(/^digraph/);
});
