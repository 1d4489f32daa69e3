import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const prefix = 'bird-rows-';

/** Whether process `pid` is running (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A fresh temporary folder for raw rows handed to the data stage from memory, named after
 * this process (`bird-rows-<pid>-XXXXXX`). Its owner removes it in a `finally`, which a
 * SIGKILL skips, so folders of processes that no longer run are removed first: raw data
 * rows never outlive the next run.
 */
export function rowsTempDir(root: string = tmpdir()): string {
  for (const name of readdirSync(root)) {
    const m = new RegExp(`^${prefix}(\\d+)-`).exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(root, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(root, `${prefix}${process.pid}-`));
}
