/**
 * The feature hash as the manifest publishes it. The artifact stage comes before the
 * data stage, which owns the hash, so the caller passes the functions in and this file
 * only describes them and computes the vectors a serving team checks its port against.
 */
export interface HashVector {
  readonly key: string;
  /** The key's UTF-8 bytes in hex, so a port can check its encoding separately. */
  readonly utf8: string;
  /** `murmur3_x86_32(utf8(key), seed)` as an unsigned 32-bit number. */
  readonly murmur3: number;
  /** The bucket for each number of bits: `{ "12": 2764, "18": 216964 }`. */
  readonly buckets: Readonly<Record<string, number>>;
}

export interface HashFunctionSpec {
  readonly name: 'murmur3_x86_32';
  readonly seed: number;
  readonly input: 'utf8';
  /** The bucket rule in words, as docs/data.md states it. */
  readonly bucket: string;
  readonly vectors: readonly HashVector[];
}

export interface HashFunctions {
  readonly seed: number;
  /** `murmur3_x86_32` of bytes with a seed, unsigned. */
  readonly murmur3: (bytes: Uint8Array, seed: number) => number;
  /** `hash(bits: n)`'s bucket of a key. */
  readonly bucket: (key: string, bits: number) => number;
}

export const hashBucketRule = 'bucket(key, bits) = 0 if key is the empty string, else 1 + murmur3_x86_32(utf8(key), seed) mod (2^bits - 1)';

/** The keys of docs/data.md's table (empty, ASCII, a longer key, two- and four-byte UTF-8), and one byte, which leaves the only tail length the table does not. */
export const hashVectorKeys: readonly string[] = ['', 'a', 'LAS', 'PHL', 'LAS-PHL', 'Twitter Web Client', 'π', '🐦'];

/** Bit widths the vectors show: the small, the common and the largest allowed. */
export const hashVectorBits: readonly number[] = [1, 12, 18, 30];

export function describeHashFunction(
  functions: HashFunctions,
  keys: readonly string[] = hashVectorKeys,
  bits: readonly number[] = hashVectorBits,
): HashFunctionSpec {
  const encoder = new TextEncoder();
  return {
    name: 'murmur3_x86_32',
    seed: functions.seed,
    input: 'utf8',
    bucket: hashBucketRule,
    vectors: keys.map((key) => {
      const bytes = encoder.encode(key);
      return {
        key,
        utf8: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
        murmur3: functions.murmur3(bytes, functions.seed) >>> 0,
        buckets: Object.fromEntries(bits.map((b) => [String(b), functions.bucket(key, b)])),
      };
    }),
  };
}
