/**
 * The fuzzer's seeds: the repository's models (models/), the standard library (stdlib/),
 * every test case's input.bird (test/cases/) and every ```bird block of README.md and
 * docs/*.md. Files are checked at their own path, so a mutant's relative imports resolve
 * as the original's do; doc blocks are written, with the `file:` blocks they import, to a
 * folder of the caller's (as test/docs/birdSnippets.test.ts does).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { docItems, docPages, repoRoot } from '../docs/docBlocks.js';
import type { Seed } from './mutate.js';

function birdFiles(dir: string, name?: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (name === undefined ? e.name.endsWith('.bird') : e.name === name) found.push(p);
    }
  };
  walk(join(repoRoot, dir));
  return found;
}

/** The doc pages' ```bird blocks, written under `docsDir` with the files they import. */
function docSeeds(docsDir: string): Seed[] {
  const seeds: Seed[] = [];
  for (const page of docPages()) {
    const dir = join(docsDir, page.replace(/[/.]/g, '_'));
    let file: string | undefined;
    let n = 0;
    for (const item of docItems(page)) {
      if (item.kind === 'annotation') {
        if (item.key === 'file') file = item.value;
        continue;
      }
      if (item.lang === 'bird' || file !== undefined) {
        const path = join(dir, file ?? `snippet-${++n}.bird`);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, item.text);
        if (item.lang === 'bird') seeds.push({ path, origin: `${page}:${item.line}`, text: item.text });
      }
      file = undefined;
    }
  }
  return seeds;
}

/** Every seed, in a fixed order (inputs are drawn by index into it). */
export function loadSeeds(docsDir: string): Seed[] {
  const files = [...birdFiles('models'), ...birdFiles('stdlib'), ...birdFiles('test/cases', 'input.bird')];
  const seeds = files.map((path) => ({ path, origin: relative(repoRoot, path), text: readFileSync(path, 'utf8') }));
  return [...seeds, ...docSeeds(docsDir)];
}
