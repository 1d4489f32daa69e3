import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from '@jest/globals';

/** True when goldens should be rewritten (`UPDATE_GOLDENS=1 npm test`). */
export const updateGoldens = process.env['UPDATE_GOLDENS'] === '1';

/**
 * Compares `actual` with the golden file at `path`, or writes it under UPDATE_GOLDENS=1.
 * A missing golden fails (so a new case cannot pass silently) unless updating.
 */
export function expectGolden(path: string, actual: string): void {
  if (updateGoldens) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}; run UPDATE_GOLDENS=1 npm test to create it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
