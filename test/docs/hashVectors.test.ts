/**
 * The feature-hash tables of docs/data.md are the cross-language contract (a serving
 * client ports the hash from them), so every cell is recomputed here: each key's UTF-8
 * bytes, its MurmurHash3 under Bird's seed (hex and decimal) and its buckets, and the
 * SMHasher reference vectors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';
import { repoRoot } from './docBlocks.js';

const page = readFileSync(join(repoRoot, 'docs', 'data.md'), 'utf8');

/** The rows of the table right after `marker`, as cells. */
function tableAfter(marker: string): string[][] {
  const rest = page.slice(page.indexOf(marker));
  const table = rest.slice(rest.indexOf('\n|') + 1).split('\n');
  const end = table.findIndex((l) => !l.startsWith('|'));
  return table.slice(2, end).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

const code = (cell: string): string => /`([^`]*)`/.exec(cell)?.[1] ?? cell;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

test("Bird's buckets: bytes, murmur3 under the seed, buckets at 12 and 18 bits", () => {
  const rows = tableAfter('### Test vectors');
  expect(rows.length).toBeGreaterThanOrEqual(5);
  for (const [keyCell, bytesCell, murmurCell, bits12, bits18] of rows) {
    // `""` is the empty key; `🐦` (U+1F426) and the like name their key in backticks.
    const key = code(keyCell!) === '""' ? '' : code(keyCell!);
    const bytes = utf8(key);
    expect({ key, bytes: bytesCell === 'none' ? '' : code(bytesCell!) }).toEqual({ key, bytes: hex(bytes) });
    const h = murmur3x86_32(bytes, birdHashSeed);
    const [hexPart, decimal] = murmur3Cell(murmurCell!);
    expect({ key, hex: hexPart, decimal }).toEqual({
      key,
      hex: `0x${h.toString(16).padStart(8, '0')}`,
      decimal: key === '' ? undefined : h,
    });
    expect({ key, buckets: [Number(bits12), Number(bits18)] }).toEqual({ key, buckets: [hashBucket(key, 12), hashBucket(key, 18)] });
  }
});

/** `0xc8cb1d51` = 3368754513, or `0xd786285e` (not used). */
function murmur3Cell(cell: string): [string, number | undefined] {
  const decimal = /= (\d+)/.exec(cell)?.[1];
  return [code(cell), decimal === undefined ? undefined : Number(decimal)];
}

test('the seed is the bytes of `bird`', () => {
  expect(birdHashSeed).toBe(0x62697264);
  expect(page).toContain('0x62697264');
});

test('the SMHasher reference vectors', () => {
  const rows = tableAfter('To check a MurmurHash3 implementation itself');
  expect(rows.length).toBeGreaterThanOrEqual(10);
  for (const [inputCell, seedCell, resultCell] of rows) {
    const input = inputCell === 'four zero bytes' ? '\0\0\0\0' : code(inputCell!) === '""' ? '' : code(inputCell!);
    const seed = Number(code(seedCell!));
    expect({ input, seed, result: code(resultCell!) }).toEqual({
      input,
      seed,
      result: `0x${murmur3x86_32(utf8(input), seed).toString(16).padStart(8, '0')}`,
    });
  }
});
