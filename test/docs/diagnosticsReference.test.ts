/**
 * docs/diagnostics.md against the catalog: every code of src/diagnostics/catalog.ts has a
 * `### CODE: ...` section, whose `Message:` and `Help:` are the catalog's templates, and
 * which shows an example (a ```console block, run by pageExamples.test.ts) unless the
 * code is a bug check that no input is known to cause.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { catalog } from '../../src/diagnostics/catalog.js';
import { repoRoot } from './docBlocks.js';

const page = readFileSync(join(repoRoot, 'docs', 'diagnostics.md'), 'utf8');
const sections = new Map(
  page.split(/^(?=#{1,3} )/m).flatMap((s) => {
    const code = /^### (BIRD\d{4}):/.exec(s)?.[1];
    return code ? [[code, s] as const] : [];
  }),
);

/** Bug checks: no input is known to cause them, so their sections say so instead of showing one. */
const withoutExample = ['BIRD5001', 'BIRD6002', 'BIRD9001'];

/** The text of a `Label: `code`` sentence, with the line breaks of the page undone. */
function quoted(section: string, label: string): string | undefined {
  const m = new RegExp(`${label}:\\s+(\`+)([\\s\\S]+?)\\1(?!\`)`).exec(section);
  return m?.[2]?.replace(/\s+/g, ' ').trim();
}

const entries = Object.values(catalog);

test('every code has a section, and every section a code', () => {
  expect(entries.map((e) => e.code).filter((code) => !sections.has(code))).toEqual([]);
  expect([...sections.keys()].filter((code) => !entries.some((e) => e.code === code))).toEqual([]);
});

test.each(entries.map((e) => [e.code, e] as const))('%s: the section quotes the catalog and shows an example', (code, entry) => {
  const section = sections.get(code);
  if (section === undefined) return; // reported above
  // A template that is only a parameter (`assert`'s message) is described, not quoted.
  if (!/^\{\w+\}$/.test(entry.message)) expect(quoted(section, 'Message')).toBe(entry.message);
  expect(quoted(section, 'Help')).toBe('help' in entry ? entry.help : undefined);
  expect(/^```console$/m.test(section)).toBe(!withoutExample.includes(code));
});
