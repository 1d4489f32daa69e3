import { birdHashSeed, murmur3x86_32 } from '../ops/murmur3.js';

export { birdHashSeed };

const encoder = new TextEncoder();

/**
 * The id of a string key in `[0, 2^bits)`, as `hash(bits: n)` computes it, in training
 * and in every serving client: the empty string (padding, a missing key) is 0; any other
 * key is `1 + murmur3_x86_32(utf8(key), 0x62697264) mod (2^bits - 1)`.
 */
export function hashBucket(key: string, bits: number): number {
  if (key === '') return 0;
  return 1 + (murmur3x86_32(encoder.encode(key), birdHashSeed) % (2 ** bits - 1));
}
