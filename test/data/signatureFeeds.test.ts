import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { SignatureInput } from '../../src/backends/onnx/exportedSignature.js';
import { signatureFeeds, type ClientRow } from '../../src/data/signatureFeeds.js';

// The scalar inputs have loops of their own in signatureFeeds (a server encodes every
// request there); these properties hold them to the contract as the general path states it:
// a string as given (`""` when missing), a discrete id as its number (-1 when blank), a
// number as the first part of its text split at spaces and `|` (NaN when there is none).
const input = (
  name: string,
  dtype: SignatureInput['dtype'],
  kind: string,
  encoding: SignatureInput['encoding'],
  shape: SignatureInput['shape'],
): SignatureInput =>
  ({
    name,
    dtype,
    shape,
    feature: name,
    kind,
    encoding,
    default: dtype === 'string' ? '' : 0,
    outOfGraph: [],
  }) as unknown as SignatureInput;

const inputs = [
  input('s', 'string', 'string', 'string', ['batch']),
  input('d', 'int64', 'discrete', 'dense', ['batch']),
  input('x', 'float32', 'continuous', 'dense', ['batch']),
  input('y', 'float32', 'continuous', 'dense', ['batch', 1]),
];

const text = fc.oneof(
  fc.constant(''),
  fc.string(),
  fc.double({ noNaN: true }).map(String),
  fc
    .array(fc.oneof(fc.constant(' '), fc.constant('|'), fc.constant('\t'), fc.integer({ min: -99, max: 99 }).map(String)), { maxLength: 5 })
    .map((p) => p.join('')),
);
const id = fc.oneof(fc.constant(''), fc.constant(' '), fc.integer({ min: 0, max: 1000 }).map(String));
const row = fc.record({ s: text, d: id, x: text, y: text }, { requiredKeys: [] }) as fc.Arbitrary<ClientRow>;

function firstNumber(v: string): number {
  const first = v.split(/[\s|]+/).filter((s) => s !== '')[0];
  return first === undefined ? NaN : Math.fround(Number(first));
}

describe('signatureFeeds on scalar inputs', () => {
  test('strings, ids and numbers are encoded as the contract says, row for row', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        const feeds = signatureFeeds(inputs, rows);
        expect(feeds['s']).toEqual({ dtype: 'string', data: rows.map((r) => r['s'] ?? ''), dims: [rows.length] });
        expect(feeds['d']!.dims).toEqual([rows.length]);
        expect(Array.from(feeds['d']!.data as BigInt64Array)).toEqual(
          rows.map((r) => BigInt((r['d'] ?? '').trim() === '' ? -1 : Number(r['d']))),
        );
        expect(feeds['x']!.dims).toEqual([rows.length]);
        expect(feeds['y']!.dims).toEqual([rows.length, 1]);
        expect(Array.from(feeds['x']!.data as Float32Array)).toEqual(rows.map((r) => firstNumber(r['x'] ?? '')));
        expect(Array.from(feeds['y']!.data as Float32Array)).toEqual(rows.map((r) => firstNumber(r['y'] ?? '')));
      }),
      { numRuns: 300 },
    );
  });
});
