/**
 * The fuzzer's inputs are a function of the seed and the index only (so `--seed=S --only=I`
 * reproduces a failure), stay under the size cap, and use every kind of mutation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { loadSeeds } from './corpus.js';
import { makePool, maxInputChars, mutate } from './mutate.js';
import { Rng } from './rng.js';

const docsDir = mkdtempSync(join(tmpdir(), 'bird-fuzz-test-'));
afterAll(() => rmSync(docsDir, { recursive: true, force: true }));
const pool = makePool(loadSeeds(docsDir));

test('the seeds are the models, the standard library, the test cases and the doc examples', () => {
  const origins = pool.seeds.map((s) => s.origin);
  expect(origins).toContain('models/flights.bird');
  expect(origins).toContain('stdlib/nn.bird');
  expect(origins.filter((o) => o.startsWith('test/cases/')).length).toBeGreaterThan(50);
  expect(origins.filter((o) => o.startsWith('docs/language.md:')).length).toBeGreaterThan(10);
});

test('input i of seed s is the same every time, and another index or seed gives another input', () => {
  const a = Array.from({ length: 30 }, (_, i) => mutate(Rng.forInput(7, i), pool));
  const b = Array.from({ length: 30 }, (_, i) => mutate(Rng.forInput(7, i), pool));
  expect(b.map((m) => m.text)).toEqual(a.map((m) => m.text));
  expect(b.map((m) => m.steps)).toEqual(a.map((m) => m.steps));
  const other = Array.from({ length: 30 }, (_, i) => mutate(Rng.forInput(8, i), pool));
  expect(other.filter((m, i) => m.text === a[i]!.text).length).toBeLessThan(3);
  expect(new Set(a.map((m) => m.text)).size).toBeGreaterThan(25);
});

test('inputs stay under the size cap and every kind of mutation occurs', () => {
  const kinds = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const m = mutate(Rng.forInput(1, i), pool);
    expect(m.text.length).toBeLessThanOrEqual(maxInputChars);
    for (const s of m.steps) kinds.add(/^[a-z]+/.exec(s)![0]);
  }
  expect([...kinds].sort()).toEqual(['big', 'bytes', 'chain', 'crossover', 'lines', 'name', 'nest', 'number', 'splice', 'token'].sort());
});
