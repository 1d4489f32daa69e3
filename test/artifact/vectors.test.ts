import { describe, expect, test } from '@jest/globals';
import { formatJson } from '../../src/artifact/formatJson.js';
import { compareOutputs, decodeVectorTensor, encodeVectorTensor, shortestFloat32 } from '../../src/artifact/vectors.js';

describe('golden vector tensors', () => {
  test('float32 values are written with the fewest digits that read back exactly', () => {
    expect(shortestFloat32(0.1)).toBe(0.1);
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(1 / 3)).toBe(0.33333334);
    expect(shortestFloat32(16777217)).toBe(16777216);
    for (const v of [Math.PI, 1e-40, 3.4e38, -123.456, 2 ** -149]) expect(Math.fround(shortestFloat32(v) as number)).toBe(Math.fround(v));
  });

  test('NaN and infinities are strings in JSON and numbers again when decoded', () => {
    const t = encodeVectorTensor('float32', [2, 2], Float32Array.from([NaN, Infinity, -Infinity, 0.5]));
    expect(t).toEqual({ dtype: 'float32', shape: [2, 2], data: ['NaN', 'Infinity', '-Infinity', 0.5] });
    expect(formatJson(t)).toBe('{\n  "dtype": "float32",\n  "shape": [2, 2],\n  "data": ["NaN", "Infinity", "-Infinity", 0.5]\n}\n');
    expect([...(decodeVectorTensor(t).values as Float32Array)]).toEqual([NaN, Infinity, -Infinity, 0.5]);
  });

  test('int64 values decode to a BigInt64Array, strings stay strings', () => {
    const ids = encodeVectorTensor('int64', [1, 3], BigInt64Array.from([0n, 5n, 262143n]));
    expect(ids.data).toEqual([0, 5, 262143]);
    expect(decodeVectorTensor(ids).values).toEqual(BigInt64Array.from([0n, 5n, 262143n]));
    const words = encodeVectorTensor('string', [2], ['ORD', '']);
    expect(decodeVectorTensor(words).values).toEqual(['ORD', '']);
  });

  test('refuses data that does not fit', () => {
    expect(() => encodeVectorTensor('float32', [2], [1])).toThrow('shape [2] holds 2 values, but 1 were given');
    expect(() => encodeVectorTensor('int64', [1], [2 ** 60])).toThrow(/within ±2\^53/);
    expect(() => encodeVectorTensor('string', [1], [1])).toThrow(/a string tensor holds number/);
    expect(() => decodeVectorTensor({ dtype: 'float32', shape: [1], data: ['nan'] })).toThrow('a float32 tensor holds "nan"');
  });
});

describe('compareOutputs', () => {
  const expected = { p: encodeVectorTensor('float32', [3], [0.5, NaN, 100]), id: encodeVectorTensor('int64', [1], [7]) };
  const tolerance = { abs: 1e-5, rel: 1e-3 };

  test('accepts values within abs + rel * |expected|, NaN only for NaN', () => {
    const actual = {
      p: { dtype: 'float32' as const, shape: [3], values: Float32Array.from([0.500009, NaN, 100.09]) },
      id: { dtype: 'int64' as const, shape: [1], values: BigInt64Array.from([7n]) },
    };
    expect(compareOutputs(expected, actual, tolerance)).toEqual([]);
  });

  test('names the first element out of tolerance, a wrong shape and a missing output', () => {
    const actual = {
      p: { dtype: 'float32' as const, shape: [3], values: Float32Array.from([0.5, 0, 100.2]) },
      id: { dtype: 'int64' as const, shape: [2], values: BigInt64Array.from([7n, 7n]) },
    };
    expect(compareOutputs(expected, actual, tolerance).map((m) => m.message)).toEqual([
      'output `p` on row 2 of 3 is 0, expected NaN (tolerance abs 0.00001, rel 0.001)',
      'output `id` is int64[2], expected int64[1]',
    ]);
    expect(compareOutputs(expected, {}, tolerance).map((m) => m.message)).toEqual(['output `p` is missing', 'output `id` is missing']);
    const wide = { q: encodeVectorTensor('float32', [2, 3], [0, 0, 0, 0, 1, 0]) };
    const got = { q: { dtype: 'float32' as const, shape: [2, 3], values: Float32Array.from([0, 0, 0, 0, 0, 0]) } };
    expect(compareOutputs(wide, got, tolerance).map((m) => [m.index, m.message])).toEqual([
      [4, 'output `q` on row 2 of 2, value 2 of 3, is 0, expected 1 (tolerance abs 0.00001, rel 0.001)'],
    ]);
  });
});
