import type { FieldSpec } from '../data/decodeField.js';
import { ServeError } from './serveError.js';
import type { RowsOutput } from './signatureRunner.js';

/** One request tensor (a gRPC TensorProto or a KServe v2 input) after decoding: a name, dimensions and flat row-major values. */
export interface RequestTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: readonly unknown[];
  /** Where it sits in the request, for messages (`inputs["origin"]`). */
  readonly field: string;
}

/** Kinds whose value is one scalar per example; the others (sparse keys, sequences, vectors) are lists. */
const scalarKinds = new Set(['continuous', 'discrete', 'binary', 'string', 'text', 'sample_weight']);

/**
 * How a raw feature crosses the tensor protocols (gRPC metadata, KServe metadata): numbers
 * as float, discrete and binary ids as int64, strings, keys and tokens as strings
 * (`key:value` for weighted keys); lists are `[batch, -1]`, a vector `[batch, d]`.
 */
export function featureTensorType(spec: FieldSpec): {
  readonly tf: 'DT_FLOAT' | 'DT_INT64' | 'DT_STRING';
  readonly kserve: 'FP32' | 'INT64' | 'BYTES';
  readonly shape: readonly number[];
} {
  switch (spec.kind) {
    case 'continuous':
      return { tf: 'DT_FLOAT', kserve: 'FP32', shape: [-1] };
    case 'discrete':
    case 'binary':
      return { tf: 'DT_INT64', kserve: 'INT64', shape: [-1] };
    case 'tensor':
    case 'embedding': {
      const size = spec.kind === 'embedding' ? Number(spec.args['dim']) : (spec.args['dim'] as number[]).reduce((p, q) => p * q, 1);
      return { tf: 'DT_FLOAT', kserve: 'FP32', shape: [-1, size] };
    }
    case 'string':
    case 'text':
      return { tf: 'DT_STRING', kserve: 'BYTES', shape: [-1] };
    default:
      return { tf: 'DT_STRING', kserve: 'BYTES', shape: [-1, -1] };
  }
}

/**
 * The columnar form `RequestRows.columns` reads, from tensors: the first dimension is the
 * rows; a scalar feature takes one value a row (`[n]` or `[n, 1]`), a list feature the
 * row's values (`[n, k]`, empty strings being padding).
 */
export function columnsFromTensors(specs: readonly FieldSpec[], tensors: readonly RequestTensor[]): Record<string, unknown[]> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const columns: Record<string, unknown[]> = {};
  for (const t of tensors) {
    const spec = byName.get(t.name);
    if (t.shape.length === 0 || t.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new ServeError(
        'invalid',
        `${t.field} has shape [${t.shape.join(', ')}]; the first dimension is the rows, and every dimension a size of 0 or more`,
        t.field,
      );
    const n = t.shape[0]!;
    const count = t.shape.reduce((p, q) => p * q, 1);
    if (t.values.length !== count)
      throw new ServeError(
        'invalid',
        `${t.field} has shape [${t.shape.join(', ')}], which holds ${count} values, but it has ${t.values.length}`,
        t.field,
      );
    const perRow = n === 0 ? 0 : count / n;
    const scalar = spec === undefined || scalarKinds.has(spec.kind);
    if (scalar && perRow !== 1)
      throw new ServeError(
        'invalid',
        `${t.field} has shape [${t.shape.join(', ')}], but feature \`${t.name}\` is \`${spec?.kind}\`, one value a row: send shape [${n}]`,
        t.field,
      );
    columns[t.name] = Array.from({ length: n }, (_, i) => (scalar ? t.values[i] : t.values.slice(i * perRow, (i + 1) * perRow)));
  }
  return columns;
}

const plain = (v: number | bigint | string | boolean, dtype: RowsOutput['dtype']): number | string | boolean =>
  typeof v === 'bigint' ? Number(v) : dtype === 'bool' ? Boolean(v) : v;

/** An output's values as a flat list of JSON values (int64 as numbers, bool as booleans). */
export function flatValues(o: RowsOutput): (number | string | boolean)[] {
  return Array.from(o.data, (v) => plain(v, o.dtype));
}

function nest(values: readonly (number | string | boolean)[], dims: readonly number[]): unknown {
  if (dims.length === 0) return values[0];
  if (dims.length === 1) return values;
  const step = dims.slice(1).reduce((p, q) => p * q, 1);
  return Array.from({ length: dims[0]! }, (_, i) => nest(values.slice(i * step, (i + 1) * step), dims.slice(1)));
}

/** The whole output as nested lists of its shape. */
export function nestedValues(o: RowsOutput): unknown {
  return nest(flatValues(o), o.dims);
}

/** Row `i` of the output as nested lists of the row's shape (a scalar for `[n]`). */
export function rowValue(o: RowsOutput, i: number): unknown {
  const rest = o.dims.slice(1);
  const step = rest.reduce((p, q) => p * q, 1);
  const values: (number | string | boolean)[] = [];
  for (let j = i * step; j < (i + 1) * step; j++) values.push(plain(o.data[j]!, o.dtype));
  return nest(values, rest);
}

/** One value as `JSON.stringify` writes it (a non-finite number as null). */
function jsonValue(v: number | bigint | string | boolean, dtype: RowsOutput['dtype']): string {
  const p = plain(v, dtype);
  if (typeof p === 'number') return Number.isFinite(p) ? String(p) : 'null';
  return typeof p === 'string' ? JSON.stringify(p) : String(p);
}

/**
 * `JSON.stringify(nestedValues(o))`, written straight from the flat values: no nested
 * lists built and walked again (a 256-row answer is one string built in one pass).
 */
export function nestedValuesJson(o: RowsOutput): string {
  const dims = o.dims;
  if (dims.length === 0) return jsonValue(o.data[0]!, o.dtype);
  if (o.dtype === 'float32' && dims.every((d, k) => k === 0 || d === 1)) {
    // One number a row (a score, a probability), the common answer: one loop, no per-value dispatch.
    const open = '['.repeat(dims.length - 1);
    const close = ']'.repeat(dims.length - 1);
    const data = o.data as ArrayLike<number>;
    let text = '[';
    for (let i = 0; i < dims[0]!; i++) {
      const v = data[i]!;
      text += (i === 0 ? open : ',' + open) + (Number.isFinite(v) ? String(v) : 'null') + close;
    }
    return text + ']';
  }
  const parts: string[] = [];
  // How many values each level's list holds, innermost last: a list opens where the index is a multiple of it.
  const steps = dims.map((_, k) => dims.slice(k).reduce((p, q) => p * q, 1));
  const total = steps[0]!;
  if (total === 0) return JSON.stringify(nestedValues(o));
  for (let j = 0; j < total; j++) {
    let open = '';
    for (const step of steps) if (j % step === 0) open += '[';
    let close = '';
    for (const step of steps) if ((j + 1) % step === 0) close += ']';
    parts.push(open + jsonValue(o.data[j]!, o.dtype) + close);
  }
  return parts.join(',');
}
