import type { Dim, Shape } from './types.js';

/** The result of a shape rule: the shape, or why the operands do not fit. */
export type ShapeResult = { readonly ok: true; readonly shape: Shape } | { readonly ok: false; readonly reason: string };

const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
const fail = (reason: string): ShapeResult => ({ ok: false, reason });

/**
 * NumPy broadcasting, right-aligned: dimensions match when equal or when one is 1.
 * A symbolic dimension matches only itself or 1.
 */
export function broadcastShapes(a: Shape, b: Shape): ShapeResult {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return fail(`dimension ${i} of the result: \`${String(x)}\` and \`${String(y)}\` do not broadcast`);
  }
  return ok(out);
}

/** `[..., n, k] @ [..., k, m] -> [..., n, m]`; a rank-1 right operand is a vector. */
export function matmulShape(a: Shape, b: Shape): ShapeResult {
  if (a.length < 2) return fail(`the left operand must have rank 2 or more, not ${a.length}`);
  if (b.length < 1) return fail('the right operand must have rank 1 or more');
  const k = a[a.length - 1]!;
  const kb = b.length === 1 ? b[0]! : b[b.length - 2]!;
  if (k !== kb) return fail(`inner dimensions differ: \`${String(k)}\` and \`${String(kb)}\``);
  if (b.length === 1) return ok(a.slice(0, -1));
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  if (!batch.ok) return batch;
  return ok([...batch.shape, a[a.length - 2]!, b[b.length - 1]!]);
}

/** Resolves a possibly negative axis against a rank; null when out of range. */
export function normalizeAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/** The product of the dimensions, or null when one is symbolic. */
export function elementCount(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}
