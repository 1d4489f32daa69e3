import { describe, expect, test } from '@jest/globals';
import type { BatchColumn } from '../../src/ir/batch.js';
import { SparseTable } from '../../src/train/sparseTables.js';

/** A small deterministic table: row r, column j holds r + j / 10. */
function table(rows: number, dim: number): SparseTable {
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) data[r * dim + j] = r + j / 10;
  return new SparseTable(rows, dim, data);
}

const single: BatchColumn = { kind: 'dense', dtype: 'i32', shape: [3], data: Int32Array.from([2, 0, 5]) };
const bags: BatchColumn = { kind: 'dense', dtype: 'i32', shape: [2, 3], data: Int32Array.from([1, 4, 0, 0, 0, 0]) };
const weighted: BatchColumn = {
  kind: 'sparse',
  ids: Int32Array.from([3, 1, 2]),
  values: Float32Array.from([2, 0.5, 1]),
  offsets: Int32Array.from([0, 2, 2, 3]),
};

/** The plain reference: loops over examples and ids, no shortcuts. */
function reference(t: SparseTable, ids: number[][], weights: number[][] | null, combiner: string, skipZero: boolean): number[] {
  return ids.flatMap((bag, i) => {
    const out = new Array<number>(t.dim).fill(0);
    let count = 0;
    bag.forEach((id, k) => {
      if (skipZero && id === 0) return;
      count++;
      for (let j = 0; j < t.dim; j++) out[j]! += (weights ? weights[i]![k]! : 1) * t.data[id * t.dim + j]!;
    });
    return combiner === 'mean' && count > 1 ? out.map((x) => x / count) : out;
  });
}

describe('embedding kernels', () => {
  const t = table(6, 2);
  test('forward matches the reference for single ids, bags (padding skipped) and weighted sparse ids', () => {
    expect(Array.from(t.gather(single, 'mean').values)).toEqual(reference(t, [[2], [0], [5]], null, 'mean', false).map(Math.fround));
    expect(Array.from(t.gather(bags, 'mean').values)).toEqual(
      reference(
        t,
        [
          [1, 4, 0],
          [0, 0, 0],
        ],
        null,
        'mean',
        true,
      ).map(Math.fround),
    );
    expect(Array.from(t.gather(weighted, 'sum').values)).toEqual(
      reference(t, [[3, 1], [], [2]], [[2, 0.5], [], [1]], 'sum', true).map(Math.fround),
    );
    expect(t.gather(bags, 'none').shape).toEqual([2, 3, 2]);
  });

  test('the row-sparse gradient equals a numeric gradient of sum(out * G)', () => {
    for (const [column, combiner] of [
      [single, 'mean'],
      [bags, 'mean'],
      [weighted, 'sum'],
      [bags, 'sum'],
    ] as const) {
      const base = table(6, 2);
      const out = base.gather(column, combiner);
      const g = Float32Array.from(out.values, (_, i) => ((i * 7) % 5) - 2);
      const rows = base.scatter(column, combiner, g);
      const objective = (tt: SparseTable): number => tt.gather(column, combiner).values.reduce((s, v, i) => s + v * g[i]!, 0);
      for (let k = 0; k < base.data.length; k++) {
        const h = 1e-2;
        const plus = table(6, 2);
        plus.data[k]! += h;
        const minus = table(6, 2);
        minus.data[k]! -= h;
        const numeric = (objective(plus) - objective(minus)) / (2 * h);
        const analytic = rows.get(Math.floor(k / 2))?.[k % 2] ?? 0;
        expect(analytic).toBeCloseTo(numeric, 2);
      }
    }
  });

  test('lazy Adam changes only the touched rows', () => {
    const t2 = table(6, 2);
    const before = Float32Array.from(t2.data);
    t2.adam(new Map([[3, Float32Array.from([1, -1])]]), 0.1, 1);
    for (let r = 0; r < 6; r++) {
      const changed = t2.data[r * 2] !== before[r * 2] || t2.data[r * 2 + 1] !== before[r * 2 + 1];
      expect(changed).toBe(r === 3);
    }
    // The first Adam step moves each touched weight by lr against the gradient's sign.
    expect(t2.data[6]).toBeCloseTo(before[6]! - 0.1, 4);
    expect(t2.data[7]).toBeCloseTo(before[7]! + 0.1, 4);
  });

  test('dense Adam (lazy: false) matches dense Adam on the whole table, moving untouched rows by their momentum', () => {
    const t2 = table(4, 2);
    const reference = Float32Array.from(t2.data);
    const m = new Float32Array(8);
    const v = new Float32Array(8);
    const steps: Map<number, Float32Array>[] = [
      new Map([[1, Float32Array.from([0.5, -2])]]),
      new Map([[2, Float32Array.from([1, 1])]]),
      new Map(),
    ];
    steps.forEach((rows, i) => {
      const step = i + 1;
      t2.adam(rows, 0.01, step, 0.9, 0.999, 1e-7, false);
      for (let k = 0; k < 8; k++) {
        const g = rows.get(Math.floor(k / 2))?.[k % 2] ?? 0;
        m[k] = 0.9 * m[k]! + 0.1 * g;
        v[k] = 0.999 * v[k]! + 0.001 * g * g;
        reference[k]! -=
          (0.01 * (m[k]! / (1 - 0.9 ** step))) / (Math.sqrt(v[k]! / (1 - 0.999 ** step)) + 1e-7 * Math.sqrt(1 / (1 - 0.999 ** step)));
      }
    });
    for (let k = 0; k < 8; k++) expect(t2.data[k]).toBeCloseTo(reference[k]!, 5);
    // Row 1, used only in the first step, kept moving in the later two.
    expect(t2.data[2]).not.toBeCloseTo(table(4, 2).data[2]! - 0.01, 5);
  });

  test('lazy momentum keeps a velocity per used row and leaves other rows alone', () => {
    const t2 = table(3, 1);
    const before = Float32Array.from(t2.data);
    t2.momentum(new Map([[1, Float32Array.from([2])]]), 0.1, 0.9, false);
    t2.momentum(new Map([[1, Float32Array.from([1])]]), 0.1, 0.9, false);
    t2.momentum(new Map([[2, Float32Array.from([1])]]), 0.1, 0.9, true);
    // Row 1: velocity 2, then 0.9*2+1 = 2.8; moved by 0.1*(2+2.8).
    expect(t2.data[1]).toBeCloseTo(before[1]! - 0.48, 6);
    // Row 2, Nesterov: velocity 1, step g + mu*v = 1.9.
    expect(t2.data[2]).toBeCloseTo(before[2]! - 0.19, 6);
    expect(t2.data[0]).toBe(before[0]);
  });
});
