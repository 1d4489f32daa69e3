/**
 * Every ```bird block of README.md and docs/*.md goes through `bird check`'s own path
 * (`checkProgram` with the CLI's file host and the op registry) and must give no
 * diagnostic at all, not even a warning: a ```bird block is a whole `.bird` file.
 *
 * The rules, for whoever writes docs:
 * - A ```bird block is a whole file, checked as it stands. A piece of a file (a few
 *   statements, a grammar schema) is not a ```bird block: write the whole file, or use
 *   ```text for a schema such as `model NAME(param: Type) { statements }`.
 * - `<!-- expect: BIRD3001 -->` (or `BIRD3001, BIRD2007`) before a block marks an example
 *   of a mistake: its diagnostics' codes, in the order `bird check` reports them, must be
 *   exactly those.
 * - `<!-- file: PATH -->` before a block (of any language) writes it to PATH in the
 *   page's folder, so a later block can import it (`import "./lib/towers.bird"`); a
 *   ```bird block without one is checked as `snippet-N.bird`. The same annotation is read
 *   by the console test (consoleBlocks.ts), which runs the commands shown after it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { fileHost } from '../../src/pipeline/checkSource.js';
import { primitiveTable } from '../../src/ops/registry.js';
import { checkProgram } from '../../src/semantic/check.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { annotationKeys, docItems, docPages, type Fence } from './docBlocks.js';

interface Snippet {
  readonly fence: Fence;
  readonly path: string;
  readonly dir: string;
  readonly expect: readonly string[];
}

/** Writes every `file:` block of the page into `dir` and returns its ```bird blocks. */
function pageSnippets(page: string, dir: string): Snippet[] {
  const snippets: Snippet[] = [];
  let file: string | undefined;
  let expected: string[] = [];
  for (const item of docItems(page)) {
    if (item.kind === 'annotation') {
      if (item.key === 'file') file = item.value;
      if (item.key === 'expect') expected = item.value.split(/[\s,]+/).filter((c) => c !== '');
      continue;
    }
    const path = join(dir, file ?? `snippet-${snippets.length + 1}.bird`);
    if (file !== undefined || item.lang === 'bird') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, item.text);
    }
    if (item.lang === 'bird') snippets.push({ fence: item, path, dir, expect: expected });
    else if (expected.length > 0) throw new Error(`${page}:${item.line}: \`expect:\` is for a \`\`\`bird block, not \`\`\`${item.lang}`);
    file = undefined;
    expected = [];
  }
  return snippets;
}

const pages = docPages().map((page) => {
  const dir = mkdtempSync(join(tmpdir(), 'bird-snippets-'));
  return { page, snippets: pageSnippets(page, dir) };
});

test('every annotation of every page is one the doc tests read', () => {
  const unknown = docPages().flatMap((page) =>
    docItems(page).flatMap((item) =>
      item.kind === 'annotation' && !annotationKeys.includes(item.key) ? [`${page}:${item.line}: ${item.key}`] : [],
    ),
  );
  expect(unknown).toEqual([]);
});

test('the pages hold ```bird blocks to check', () => {
  expect(pages.reduce((n, p) => n + p.snippets.length, 0)).toBeGreaterThan(20);
});

for (const { page, snippets } of pages.filter((p) => p.snippets.length > 0)) {
  describe(page, () => {
    test.each(snippets.map((s) => [`${page}:${s.fence.line}`, s] as const))('%s checks as documented', (_where, s) => {
      const result = checkProgram(new SourceFile(s.path, s.fence.text), fileHost(s.path, s.dir), primitiveTable);
      const found = result.diagnostics.map((d) => ({ code: d.code, message: d.message }));
      // The messages travel along so that a failure shows what was reported.
      expect(found).toEqual(s.expect.map((code) => ({ code, message: expect.any(String) })));
    });
  });
}
