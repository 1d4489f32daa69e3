import { describe, expect, test } from '@jest/globals';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('murmur3_x86_32', () => {
  // Published vectors of the reference implementation (SMHasher's MurmurHash3_x86_32).
  test.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('%j with seed %i', (text, seed, expected) => {
    expect(murmur3x86_32(utf8(text), seed)).toBe(expected);
  });

  test('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // "π" is CF 80 in UTF-8; vectors from the reference implementation.
    expect(murmur3x86_32(utf8('ππππππππ'), 0x9747b28c)).toBe(0xd58063c1);
    expect(murmur3x86_32(Uint8Array.from([0xcf, 0x80]), 0)).toBe(murmur3x86_32(utf8('π'), 0));
  });
});

describe('hashBucket', () => {
  test('the seed spells "bird"', () => {
    expect(Buffer.from(birdHashSeed.toString(16), 'hex').toString('ascii')).toBe('bird');
  });

  test('the empty string is padding, id 0; other keys land in [1, 2^bits)', () => {
    expect(hashBucket('', 12)).toBe(0);
    for (const key of ['LAS', 'PHL', 'LAS-PHL', 'Twitter Web Client', '🐦', 'a'.repeat(1000)]) {
      const id = hashBucket(key, 12);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThan(4096);
      expect(id).toBe(1 + (murmur3x86_32(utf8(key), birdHashSeed) % 4095));
    }
  });

  test('spreads keys: 10,000 keys into 4,096 buckets use most of them', () => {
    const used = new Set(Array.from({ length: 10_000 }, (_, i) => hashBucket(`key-${i}`, 12)));
    expect(used.size).toBeGreaterThan(3500);
  });
});
