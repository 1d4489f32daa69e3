import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../source/writeFileAtomic.js';

/** A training run's folder: resolved config, fitted IR, metrics per epoch, step losses, checkpoints, the report. */
export class RunDirectory {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(join(this.path, name), JSON.stringify(value, null, 2) + '\n');
  }

  appendMetrics(record: unknown): void {
    writeFileSync(join(this.path, 'metrics.jsonl'), JSON.stringify(record) + '\n', { flag: 'a' });
  }

  /** Appends step records to `steps.jsonl`, one line each. */
  appendSteps(records: readonly unknown[]): void {
    if (records.length > 0)
      writeFileSync(join(this.path, 'steps.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''), { flag: 'a' });
  }

  /** Rewrites a JSON-lines file with the given records only (what a resumed run keeps), atomically. */
  rewriteLines(name: string, records: readonly unknown[]): void {
    writeFileAtomic(join(this.path, name), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /**
   * Writes a checkpoint folder through a temporary name and renames it into place, so a
   * crash never leaves a half-written checkpoint under the real name.
   */
  writeCheckpoint(name: string, files: Readonly<Record<string, string | Uint8Array>>): string {
    const final = join(this.path, 'checkpoints', name);
    const temp = `${final}.tmp-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    for (const [file, data] of Object.entries(files)) writeFileSync(join(temp, file), data);
    rmSync(final, { recursive: true, force: true });
    mkdirSync(dirname(final), { recursive: true });
    renameSync(temp, final);
    return final;
  }
}
