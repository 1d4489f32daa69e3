/**
 * A small seeded generator (mulberry32 over a splitmix32-mixed seed): the fuzzer's inputs
 * must be the same for the same `--seed` on any machine, whatever the worker count, so input
 * `i` draws from its own generator, `Rng.forInput(seed, i)`, never from a shared one.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator of input `index` of a run seeded `seed`. */
  static forInput(seed: number, index: number): Rng {
    return new Rng(mix(mix(seed >>> 0) ^ mix(index >>> 0) ^ Math.floor(index / 2 ** 32)));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** An integer that is small most of the time and large now and then (sizes, counts, depths). */
  size(max: number): number {
    const scale = this.pick([4, 16, 64, 512, max]);
    return this.range(1, Math.min(scale, max));
  }
}

/** splitmix32's finaliser: spreads nearby seeds (0, 1, 2, ...) over the whole state space. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
