import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, expect, test } from '@jest/globals';
import { rowsTempDir } from '../../src/data/rowsTempDir.js';

const root = mkdtempSync(join(tmpdir(), 'bird-rows-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the rows folder of a process that was killed is removed by the next one; a running one keeps its own', () => {
  // A pid that ran and is gone: a finished child's.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const stale = join(root, `bird-rows-${dead}-abc123`);
  mkdirSync(stale);
  writeFileSync(join(stale, 'rows.csv'), 'x,y\n1,2\n');
  const running = join(root, `bird-rows-${process.ppid}-def456`);
  mkdirSync(running);
  const mine = rowsTempDir(root);
  expect(mine.startsWith(join(root, `bird-rows-${process.pid}-`))).toBe(true);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(running)).toBe(true);
  expect(existsSync(mine)).toBe(true);
});
