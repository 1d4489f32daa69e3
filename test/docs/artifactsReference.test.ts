/**
 * docs/artifacts.md against the manifest the artifact stage writes: every field of a
 * manifest, of a signature, of an input and of an output is described in the field
 * tables of "manifest.json", so a new field cannot ship undocumented and a removed one
 * cannot stay described.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { assembleArtifact } from '../../src/artifact/assembleArtifact.js';
import { artifactInput } from '../artifact/fixtures.js';
import { repoRoot } from './docBlocks.js';

const page = readFileSync(join(repoRoot, 'docs', 'artifacts.md'), 'utf8');
const manifestSection = page.slice(page.indexOf('\n## manifest.json\n'), page.indexOf('\n## vectors.json\n'));
/** The field tables of the section, each as rows of cells. */
const tables = manifestSection
  .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
  .split(/\n(?!\|)/)
  .map((chunk) => chunk.split('\n').filter((l) => l.startsWith('| ')))
  .filter((rows) => rows.length > 2 && rows[0]!.startsWith('| field |'))
  .map((rows) =>
    rows.slice(2).map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    ),
  );
const spans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
/** Top-level names a table's first column documents: `training.data` documents `training`. */
const firstColumn = (rows: string[][]): Set<string> => new Set(rows.flatMap((r) => spans(r[0]!).flatMap((s) => [s, s.split('.')[0]!])));

const manifest = assembleArtifact(artifactInput()).manifest as unknown as Record<string, unknown>;
const signature = (manifest['signatures'] as Record<string, unknown>[])[0]!;

test('the section has its two field tables: the manifest and each signature', () => {
  expect(tables).toHaveLength(2);
});

test('every manifest field is in the first table, and every row is a field', () => {
  const documented = firstColumn(tables[0]!);
  expect(Object.keys(manifest).filter((k) => !documented.has(k))).toEqual([]);
  expect([...documented].filter((k) => !k.includes('.') && !(k in manifest))).toEqual([]);
});

test('every signature field is in the second table, and every row is a field', () => {
  const documented = firstColumn(tables[1]!);
  expect(Object.keys(signature).filter((k) => !documented.has(k))).toEqual([]);
  expect([...documented].filter((k) => !k.includes('.') && !(k in signature))).toEqual([]);
});

test('every field of an input and of an output is named in its row', () => {
  for (const part of ['inputs', 'outputs']) {
    const row = tables[1]!.find((r) => spans(r[0]!).includes(part));
    expect(row).toBeDefined();
    const named = new Set(spans(row![1]!));
    const fields = Object.keys((signature[part] as Record<string, unknown>[])[0]!);
    expect({ part, missing: fields.filter((f) => !named.has(f)) }).toEqual({ part, missing: [] });
  }
});
