import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { docPages } from './docBlocks.js';

const repoRoot = join(import.meta.dirname, '..', '..');

// A page that promises a feature "with a later issue" or marks it "(planned)" goes stale
// the day it lands (language.md said so of `bird export` and `bird diff` long after both
// worked): the pages describe what Bird does now.
test('no page describes a part of Bird as planned or arriving later', () => {
  const stale = docPages().flatMap((page) =>
    readFileSync(join(repoRoot, page), 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        /later issue|\(planned\)|arrives? later|not yet (implemented|supported)/i.test(line) ? [`${page}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
  expect(stale).toEqual([]);
});
