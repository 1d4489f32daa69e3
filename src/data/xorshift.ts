/**
 * A seeded xorshift32 generator of unsigned 32-bit integers: small, fast, and the same
 * sequence on every machine, which is what repeatable shuffles and samples need.
 */
export function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 0x2545f491;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}
