import { describe, expect, test } from '@jest/globals';
import {
  decodeSafetensors,
  encodeSafetensors,
  float32Tensor,
  float32Values,
  SafetensorsError,
  type SafeTensor,
} from '../../src/artifact/safetensors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Written by the reference implementation (Python safetensors 0.8.0, `safetensors.numpy.save`):
// w = float32 [[1, -2.5], [0.5, 3]], b = int32 [7, -1], metadata {"format": "bird-weights/1"}.
const reference = hex(
  'a0000000000000007b225f5f6d657461646174615f5f223a7b22666f726d6174223a22626972642d776569676874732f31227d2c2277223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f6f666673657473223a5b302c31365d7d2c2262223a7b226474797065223a22493332222c227368617065223a5b325d2c22646174615f6f666673657473223a5b31362c32345d7d7d20202020200000803f000020c00000003f0000404007000000ffffffff',
);

/** A file laid out by hand: header length, header JSON, padding, data. */
function handMade(header: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  out[0] = json.length & 0xff;
  out[1] = json.length >> 8;
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  test('reads a file written by the reference implementation', () => {
    const file = decodeSafetensors(reference);
    expect(file.metadata).toEqual({ format: 'bird-weights/1' });
    expect([...file.tensors.keys()].sort()).toEqual(['b', 'w']);
    const w = file.tensors.get('w')!;
    expect(w.dtype).toBe('F32');
    expect(w.shape).toEqual([2, 2]);
    expect([...float32Values(w)]).toEqual([1, -2.5, 0.5, 3]);
    const b = file.tensors.get('b')!;
    expect(b.dtype).toBe('I32');
    expect([...new Int32Array(b.data.slice().buffer)]).toEqual([7, -1]);
  });

  test('writes the layout byte for byte: length, header with metadata first, space padding, data in name order', () => {
    const bytes = encodeSafetensors(new Map([['w', float32Tensor([2], [1, -2.5])]]), { format: 'x' });
    const header = '{"__metadata__":{"format":"x"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(header.length).toBe(84);
    // 84 bytes of header padded to 88 with spaces, so the data starts at 96, 8-byte aligned.
    expect(toHex(bytes)).toBe('5800000000000000' + toHex(new TextEncoder().encode(header.padEnd(88, ' '))) + '0000803f000020c0');
  });

  test('round-trips every tensor, its bytes, shape and dtype, and the metadata', () => {
    const tensors = new Map<string, SafeTensor>([
      ['dense/kernel', float32Tensor([3, 2], [0.1, -0.2, 1e-30, -0, Infinity, NaN])],
      ['dense/bias', float32Tensor([2], [1, 2])],
      ['empty', float32Tensor([0, 4], [])],
      ['scalar', float32Tensor([], [42])],
      ['ids', { dtype: 'I64', shape: [2], data: hex('0100000000000000ffffffffffffffff') }],
      ['flags', { dtype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { model: 'Ranker' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ model: 'Ranker' });
    expect(new Map([...back.tensors].sort())).toEqual(new Map([...tensors].sort()));
    expect(Object.is(float32Values(back.tensors.get('dense/kernel')!)[3], -0)).toBe(true);
    expect(encodeSafetensors(back.tensors, back.metadata)).toEqual(bytes);
  });

  test('reads a hand-made file without metadata or padding', () => {
    const file = decodeSafetensors(handMade('{"x":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}}', [0x01, 0x00, 0xff, 0x7f]));
    expect(file.metadata).toEqual({});
    expect(file.tensors.get('x')).toEqual({ dtype: 'I16', shape: [2], data: Uint8Array.from([0x01, 0x00, 0xff, 0x7f]) });
  });

  test.each([
    ['a file shorter than its length field', Uint8Array.from([1, 2, 3]), /fewer than the 8/],
    ['a header length past the end', handMade('{}', []).map((b, i) => (i === 0 ? 200 : b)), /does not fit/],
    ['a header that is not JSON', handMade('{"x":', []), /not UTF-8 JSON/],
    ['a header that is not an object', handMade('[1]  ', []), /does not start with/],
    [
      'an unknown dtype',
      handMade('{"x":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Array<number>(16).fill(0)),
      /unknown dtype/,
    ],
    [
      'a size that does not match the shape',
      handMade('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      /needs 8 bytes/,
    ],
    ['offsets past the data', handMade('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0]), /outside the 2 data bytes/],
    ['a hole in the data', handMade('{"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]), /hole of 1 bytes/],
    [
      'overlapping tensors',
      handMade('{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"y":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]),
      /overlaps/,
    ],
    [
      'bytes after the last tensor',
      handMade('{"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [0, 0]),
      /1 bytes after the last tensor/,
    ],
    ['metadata that is not strings', handMade('{"__metadata__":{"a":1}}', []), /`__metadata__` is not an object of strings/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });

  test('refuses values that do not fill the shape', () => {
    expect(() => float32Tensor([2, 2], [1, 2, 3])).toThrow('shape [2, 2] holds 4 values, but 3 were given');
  });
});
