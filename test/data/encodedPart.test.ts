import { describe, expect, test } from '@jest/globals';
import type { FieldValue } from '../../src/data/decodeField.js';
import { EncodedPart } from '../../src/data/encodedPart.js';
import { tensor } from '../../src/tensor/types.js';

const names = ['x', 'ids', 'tags'];
const types = [
  tensor('f32', ['B', 1]),
  tensor('i32', ['B', 3], 10),
  { kind: 'sparse' as const, keys: 'id' as const, vocab: 10, weighted: true },
];
const example = (i: number): FieldValue[] => [
  { kind: 'number', value: i / 2 },
  { kind: 'ids', ids: [i % 10, (i + 1) % 10], values: null },
  { kind: 'ids', ids: Array.from({ length: i % 3 }, (_, k) => k + 1), values: Array.from({ length: i % 3 }, (_, k) => i + k) },
];

describe('in-memory encoded data', () => {
  const part = new EncodedPart(names, types);
  part.add(Array.from({ length: 5000 }, (_, i) => example(i)));
  part.add(Array.from({ length: 123 }, (_, i) => example(5000 + i)));

  test('holds every row, in file order without a seed', () => {
    expect(part.size).toBe(5123);
    const batches = [...part.batches(1000)];
    expect(batches.map((b) => b.size)).toEqual([1000, 1000, 1000, 1000, 1000, 123]);
    const last = batches[5]!;
    const x = last.columns.get('x')!;
    expect(x.kind === 'dense' && x.data[122]).toBe(5122 / 2);
    const ids = last.columns.get('ids')!;
    expect(ids.kind === 'dense' && Array.from(ids.data.subarray(0, 3))).toEqual([0, 1, 0]);
    const tags = last.columns.get('tags')!;
    // Row 5000 has 5000 % 3 = 2 tags: ids 1, 2 with values 5000, 5001.
    expect(tags.kind === 'sparse' && Array.from(tags.ids.subarray(tags.offsets[0]!, tags.offsets[1]!))).toEqual([1, 2]);
    expect(tags.kind === 'sparse' && Array.from(tags.values!.subarray(tags.offsets[0]!, tags.offsets[1]!))).toEqual([5000, 5001]);
  });

  test('a seeded order is a permutation, repeatable, and differs by seed', () => {
    const order = (seed: number): number[] =>
      [...part.batches(512, seed)].flatMap((b) => {
        const x = b.columns.get('x')!;
        return x.kind === 'dense' ? Array.from(x.data, (v) => v * 2) : [];
      });
    const a = order(7);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 5123 }, (_, i) => i));
    expect(order(7)).toEqual(a);
    expect(order(8)).not.toEqual(a);
  });
});
