/**
 * docs/architecture.md keeps one line per file and folder of src/: every folder is named
 * (`ir/passes/`, or as a path), and every file by its name or a path ending in it
 * (`passes/inline.ts`), unless its folder has a line of its own that covers its files
 * (`commands/`, `report/`). The artifact stage's files are listed in docs/artifacts.md
 * ("For Bird's own code"), which counts as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { repoRoot } from './docBlocks.js';

const documented = ['architecture.md', 'artifacts.md'].map((f) => readFileSync(join(repoRoot, 'docs', f), 'utf8')).join('\n');
const named = (path: string): boolean => documented.includes(`\`${path}\``) || documented.includes(`\`src/${path}\``);
/** A path and every shorter path ending it: `ir/passes/inline.ts`, `passes/inline.ts`, `inline.ts`. */
const tails = (path: string): string[] => path.split('/').map((_, i, parts) => parts.slice(i).join('/'));

const entries = readdirSync(join(repoRoot, 'src'), { recursive: true, withFileTypes: true });
const relative = (e: (typeof entries)[number]): string => join(e.parentPath, e.name).slice(join(repoRoot, 'src').length + 1);

test('every folder of src/ is named', () => {
  const folders = entries.filter((e) => e.isDirectory()).map(relative);
  expect(folders.length).toBeGreaterThan(10);
  expect(folders.filter((f) => !tails(f + '/').some(named) && !named(f))).toEqual([]);
});

test('every file of src/ is named, or its folder has a line', () => {
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map(relative);
  const undocumented = files.filter((f) => {
    const parts = f.split('/');
    // A folder below a stage folder (`cli/commands/`) may stand for its files.
    const subFolder = parts.length > (parts[0] === 'backends' ? 3 : 2) ? `${parts.at(-2)}/` : undefined;
    return !tails(f).some(named) && !(subFolder !== undefined && named(subFolder));
  });
  expect(undocumented).toEqual([]);
});
