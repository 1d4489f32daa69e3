import type { OnnxDtype } from '../backends/onnx/exportedSignature.js';

/**
 * Golden vectors: inputs a client sends and the outputs the model must give back, per
 * signature, as plain JSON any language reads. Float32 data may hold `"NaN"`,
 * `"Infinity"` and `"-Infinity"` as strings (JSON has no such numbers, and NaN is how a
 * missing float input is sent); every other float32 element is a number, written with
 * the fewest digits that read back as the same float32.
 */
export interface VectorTensor {
  readonly dtype: OnnxDtype;
  readonly shape: readonly number[];
  /** Row-major elements, `shape`'s product of them. */
  readonly data: readonly (number | string)[];
}

export interface SignatureVectors {
  readonly inputs: Readonly<Record<string, VectorTensor>>;
  readonly outputs: Readonly<Record<string, VectorTensor>>;
}

/** An output element matches when `|actual - expected| <= abs + rel * |expected|` (numpy's `isclose`). */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

export interface GoldenVectors {
  readonly tolerance: Tolerance;
  readonly signatures: Readonly<Record<string, SignatureVectors>>;
  /**
   * The raw rows the golden inputs were encoded from, each field as the text a client
   * holds (`""` when missing): a client checks its own encoding (hashing, defaults,
   * padding) by encoding these and comparing with `inputs`.
   */
  readonly rows?: readonly Readonly<Record<string, string>>[];
}

/** A tensor's values as ONNX Runtime takes and returns them. */
export type TensorValues = Float32Array | BigInt64Array | readonly string[];

export interface DecodedTensor {
  readonly dtype: OnnxDtype;
  readonly shape: readonly number[];
  readonly values: TensorValues;
}

const nonFinite: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

/** The shortest decimal that parses back to the same float32, so vectors stay readable. */
export function shortestFloat32(value: number): number | string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'Infinity' : '-Infinity';
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A tensor in its JSON form, from the values ONNX Runtime takes or returns. */
export function encodeVectorTensor(
  dtype: OnnxDtype,
  shape: readonly number[],
  values: Float32Array | BigInt64Array | readonly (number | bigint | string)[],
): VectorTensor {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new RangeError(`a golden vector needs a concrete shape, found [${shape.join(', ')}]`);
  if (values.length !== elementCount(shape))
    throw new RangeError(`shape [${shape.join(', ')}] holds ${elementCount(shape)} values, but ${values.length} were given`);
  const all = Array.from(values as ArrayLike<number | bigint | string>);
  let data: (number | string)[];
  if (dtype === 'string') {
    data = all.map((v) => {
      if (typeof v !== 'string') throw new TypeError(`a string tensor holds ${typeof v} ${String(v)}`);
      return v;
    });
  } else if (dtype === 'int64') {
    data = all.map((v) => {
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        throw new RangeError(`an int64 golden value must be an integer within ±2^53, found ${String(v)}`);
      return n;
    });
  } else {
    data = all.map((v) => {
      if (typeof v !== 'number') throw new TypeError(`a float32 tensor holds ${typeof v} ${String(v)}`);
      return shortestFloat32(v);
    });
  }
  return { dtype, shape: [...shape], data };
}

/** A tensor's values from its JSON form, ready to feed ONNX Runtime or compare with its outputs. */
export function decodeVectorTensor(tensor: VectorTensor): DecodedTensor {
  const { dtype, shape, data } = tensor;
  if (data.length !== elementCount(shape))
    throw new RangeError(`shape [${shape.join(', ')}] holds ${elementCount(shape)} values, but data has ${data.length}`);
  if (dtype === 'string') {
    if (!data.every((v) => typeof v === 'string')) throw new TypeError('a string tensor holds a non-string element');
    return { dtype, shape, values: data as string[] };
  }
  if (dtype === 'int64') {
    return {
      dtype,
      shape,
      values: BigInt64Array.from(data, (v) => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`an int64 tensor holds ${JSON.stringify(v)}`);
        return BigInt(v);
      }),
    };
  }
  return {
    dtype,
    shape,
    values: Float32Array.from(data, (v) => {
      if (typeof v === 'number') return v;
      const special = nonFinite.get(v);
      if (special === undefined) throw new TypeError(`a float32 tensor holds ${JSON.stringify(v)}`);
      return special;
    }),
  };
}

export interface VectorMismatch {
  readonly output: string;
  /** The flat index (from 0) of the first differing element, or null when the shape or dtype differs or the output is absent; the message counts rows from 1. */
  readonly index: number | null;
  readonly expected: number | string | null;
  readonly actual: number | string | null;
  readonly message: string;
}

/** Where flat index `i` is, counted from 1 as the data stage counts rows: `on row 3 of 8 ` (`, value 2 of 4` with several values a row). */
function where(shape: readonly number[], i: number): string {
  const [rows, ...rest] = shape;
  if (rows === undefined) return '';
  const perRow = rest.reduce((p, q) => p * q, 1);
  const row = `on row ${Math.floor(i / perRow) + 1} of ${rows}`;
  return perRow === 1 ? `${row} ` : `${row}, value ${(i % perRow) + 1} of ${perRow}, `;
}

function close(expected: number, actual: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return expected === actual;
  return Math.abs(actual - expected) <= tolerance.abs + tolerance.rel * Math.abs(expected);
}

/**
 * Compares a model's outputs with the golden ones: dtype and shape exactly, strings and
 * int64 exactly, float32 within the tolerance (NaN matches only NaN). Reports the first
 * differing element of each output, so `bird verify` can name it.
 */
export function compareOutputs(
  expected: Readonly<Record<string, VectorTensor>>,
  actual: Readonly<Record<string, DecodedTensor>>,
  tolerance: Tolerance,
): VectorMismatch[] {
  const mismatches: VectorMismatch[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!got) {
      mismatches.push({ output: name, index: null, expected: null, actual: null, message: `output \`${name}\` is missing` });
      continue;
    }
    if (got.dtype !== want.dtype || got.shape.join(',') !== want.shape.join(',')) {
      mismatches.push({
        output: name,
        index: null,
        expected: null,
        actual: null,
        message: `output \`${name}\` is ${got.dtype}[${got.shape.join(', ')}], expected ${want.dtype}[${want.shape.join(', ')}]`,
      });
      continue;
    }
    const wantValues = decodeVectorTensor(want).values;
    for (let i = 0; i < wantValues.length; i++) {
      const e = wantValues[i]!;
      const a = got.values[i]!;
      const same = typeof e === 'number' && typeof a === 'number' ? close(e, a, tolerance) : e === a;
      if (!same) {
        const show = (v: number | bigint | string): number | string => (typeof v === 'bigint' ? Number(v) : v);
        mismatches.push({
          output: name,
          index: i,
          expected: show(e),
          actual: show(a),
          message: `output \`${name}\` ${where(want.shape, i)}is ${String(a)}, expected ${String(e)} (tolerance abs ${tolerance.abs}, rel ${tolerance.rel})`,
        });
        break;
      }
    }
  }
  return mismatches;
}
