/**
 * The pictures of docs/models.md are `bird graph`'s output: each `models/*.bird` has
 * `docs/graphs/NAME.svg`, rendered now exactly as committed (Graphviz in WebAssembly,
 * pinned, lays out the same DOT the same way), and embedded in docs/models.md.
 * `UPDATE_GOLDENS=1` rewrites them, as the loop docs/models.md shows does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { expectGolden } from '../helpers/golden.js';

const root = join(import.meta.dirname, '..', '..');
const models = readdirSync(join(root, 'models'))
  .filter((f) => f.endsWith('.bird'))
  .map((f) => f.replace(/\.bird$/, ''));
const regenerate = 'for f in models/*.bird; do npx bird graph "$f" --out "docs/graphs/$(basename "$f" .bird).svg"; done';

describe.each(models)('docs/graphs/%s.svg', (name) => {
  test('is what bird graph draws now', async () => {
    let svg = '';
    const code = await runCli(['graph', join(root, 'models', `${name}.bird`)], { stdout: (t) => void (svg += t), stderr: () => undefined });
    expect(code).toBe(0);
    const path = join(root, 'docs', 'graphs', `${name}.svg`);
    try {
      expectGolden(path, svg);
    } catch (error) {
      throw new Error(
        `docs/graphs/${name}.svg is missing or out of date; regenerate the pictures with\n  ${regenerate}\n${(error as Error).message.slice(0, 2000)}`,
      );
    }
  }, 60_000);

  test('is shown in docs/models.md', () => {
    expect(readFileSync(join(root, 'docs', 'models.md'), 'utf8')).toContain(`](graphs/${name}.svg)`);
  });
});
