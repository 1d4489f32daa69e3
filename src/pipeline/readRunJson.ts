import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './usageError.js';

/**
 * A JSON file of a run folder a resumed run reads back (`config.json`, `ir.json`). One
 * missing or not JSON (damaged, edited, partly copied) is a `UsageError` naming it: the
 * folder is not a run `--resume` can continue.
 */
export function readRunJson<T>(run: string, name: string): T {
  const path = join(run, name);
  if (!existsSync(path)) throw new UsageError(`\`${path}\` is missing: \`${run}\` is not a run \`--resume\` can continue`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`\`${path}\` is not JSON (${error.message}): not as \`bird train\` writes it`);
    throw error;
  }
}
