import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';

const cases = join(import.meta.dirname, '..', 'cases', 'fix');

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Each `test/cases/fix/<case>/input.bird`, fixed by `bird check --fix`, reads as its `output.bird`. */
describe('bird check --fix', () => {
  test.each(readdirSync(cases))('%s: golden after the fix, then idempotent', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-fix-'));
    const file = join(dir, 'input.bird');
    copyFileSync(join(cases, name, 'input.bird'), file);
    const first = await bird('check', '--fix', '--no-color', file);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(cases, name, 'output.bird'), 'utf8'));
    expect(first.stderr).toMatch(/^fixed .*input\.bird: \d+ changes?\n/);
    const second = await bird('check', '--fix', '--no-color', file);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(cases, name, 'output.bird'), 'utf8'));
    expect(second.stderr).not.toContain('fixed ');
    expect(readdirSync(dir)).toEqual(['input.bird']); // no temporary file left behind
  });

  test('--json lists what was applied in `fixed`, and the suggestions of what remains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-fix-'));
    const file = join(dir, 'typos.bird');
    copyFileSync(join(cases, 'typos', 'input.bird'), file);
    const r = await bird('check', '--fix', '--json', file);
    const out = JSON.parse(r.stdout) as { fixed: { file: string; applied: string[]; refused: string[] }[]; diagnostics: unknown[] };
    expect(out.fixed).toEqual([
      {
        file,
        applied: ['1:1: insert `bird 1`', '2:11: replace `sigmod` with `sigmoid`', '6:10: replace `continous` with `continuous`'],
        refused: [],
      },
    ]);
    expect(out.diagnostics).toEqual([]);
  });

  test('standard input cannot be fixed: a usage error', async () => {
    const r = await bird('check', '--fix', '-');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`--fix` rewrites files');
  });
});
