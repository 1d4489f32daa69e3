import type { SignatureInput } from '../backends/onnx/exportedSignature.js';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import { hashBucket } from './hashBucket.js';
import { tokenizeText, tokenizerOptions } from '../ops/textTokens.js';
import type { RawValue } from './readRows.js';

const separators = /[\s|]/;

/** A row as a serving client has it: the raw text of each field, `""` when missing. */
export type ClientRow = Readonly<Record<string, string>>;

/**
 * What a serving client does with raw rows before calling the model, written from the
 * signature's contract alone: NaN for a missing number, -1 for a missing discrete id,
 * `""` for a missing string, and the `outOfGraph` steps (hash, tokens) run here.
 */
export function signatureFeeds(inputs: readonly SignatureInput[], rows: readonly ClientRow[]): Record<string, OnnxValue> {
  const feeds: Record<string, OnnxValue> = {};
  const n = rows.length;
  for (const input of inputs) {
    const field = (row: ClientRow): string => row[input.feature] ?? '';
    const withDefault = (v: string): string => (v === '' && typeof input.default === 'string' ? input.default : v);
    // The strings (or string lists) the out-of-graph steps start from.
    const keysOf = (row: ClientRow): string[] => {
      let keys: string[] = [withDefault(field(row))];
      for (const step of input.outOfGraph) {
        if (step.op === 'tokenize') keys = tokenizeText(keys[0]!, tokenizerOptions(step.args));
      }
      if (input.kind === 'sequence')
        keys = field(row)
          .split('|')
          .filter((s) => s !== '');
      if (input.kind === 'sparse_binary' || input.kind === 'sparse_continuous')
        keys = field(row)
          .split('|')
          .filter((s) => s !== '')
          .map((k) => (input.kind === 'sparse_continuous' ? k.slice(0, k.lastIndexOf(':')) : k));
      return keys;
    };
    const bits = Number(input.outOfGraph.find((s) => s.op === 'hash_bucket')?.args['bits'] ?? 0);
    const fixedWidth = typeof input.shape[1] === 'number' ? input.shape[1] : null;
    // The common scalar inputs, in one loop each (a server encodes every request here).
    if (input.encoding === 'string' && input.shape.length === 1) {
      const data = new Array<string>(n);
      for (let i = 0; i < n; i++) data[i] = rows[i]![input.feature] ?? '';
      feeds[input.name] = { dtype: 'string', data, dims: [n] };
      continue;
    }
    if (input.encoding === 'string' || input.encoding === 'vocab_hash') {
      const width = fixedWidth ?? 1;
      const values = rows.flatMap((row) => {
        const keys = input.shape.length === 1 ? [field(row)] : keysOf(row).slice(0, width);
        return Array.from({ length: width }, (_, j) => keys[j] ?? '');
      });
      feeds[input.name] =
        input.encoding === 'string'
          ? { dtype: 'string', data: values, dims: [...input.shape.map((d, i) => (i === 0 ? n : (d as number)))] }
          : {
              dtype: 'int64',
              data: BigInt64Array.from(values.map((v) => BigInt(hashBucket(withDefault(v), 30)))),
              dims: [...input.shape.map((d, i) => (i === 0 ? n : (d as number)))],
            };
      continue;
    }
    if (input.encoding === 'padded_ids') {
      const lists = rows.map((row) => {
        const raw = field(row)
          .split('|')
          .filter((s) => s !== '');
        const keys = keysOf(row);
        return {
          ids: keys.map((k) => hashBucket(k, bits)),
          weights: input.kind === 'sparse_continuous' ? raw.map((k) => Number(k.slice(k.lastIndexOf(':') + 1))) : keys.map(() => 1),
        };
      });
      const width = fixedWidth ?? Math.max(1, ...lists.map((l) => l.ids.length));
      const weights = input.name.endsWith('.weights');
      const data = weights ? new Float32Array(n * width) : new BigInt64Array(n * width);
      lists.forEach((l, i) =>
        l.ids.slice(0, width).forEach((id, j) => {
          if (data instanceof Float32Array) data[i * width + j] = l.weights[j]!;
          else data[i * width + j] = BigInt(id);
        }),
      );
      feeds[input.name] =
        data instanceof Float32Array ? { dtype: 'float32', data, dims: [n, width] } : { dtype: 'int64', data, dims: [n, width] };
      continue;
    }
    if (input.dtype === 'int64' && bits === 0) {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![input.feature] ?? '';
        data[i] = BigInt(v.trim() === '' ? -1 : Number(v));
      }
      feeds[input.name] = { dtype: 'int64', data, dims: [n] };
      continue;
    }
    if (input.dtype === 'int64') {
      const ids = rows.map((row) =>
        bits > 0 ? hashBucket(withDefault(field(row)), bits) : field(row).trim() === '' ? -1 : Number(field(row)),
      );
      feeds[input.name] = { dtype: 'int64', data: BigInt64Array.from(ids.map(BigInt)), dims: [n] };
      continue;
    }
    const width = input.shape.slice(1).reduce<number>((p, q) => p * Number(q), 1);
    const data = new Float32Array(n * width).fill(NaN);
    if (input.columns) {
      // A feature group: value j of a row is its column j, NaN when missing (the graph substitutes the default).
      const columns = input.columns;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < width; j++) {
          const v = (rows[i]![columns[j]!] ?? '').trim();
          if (v !== '') data[i * width + j] = Number(v);
        }
      feeds[input.name] = { dtype: 'float32', data, dims: [n, width] };
      continue;
    }
    if (width === 1) {
      // One number a row: the text itself unless it holds separators (then its first part, as below).
      for (let i = 0; i < n; i++) {
        const v = rows[i]![input.feature] ?? '';
        if (v === '') continue;
        if (!separators.test(v)) data[i] = Number(v);
        else {
          const first = v.split(/[\s|]+/).find((x) => x !== '');
          if (first !== undefined) data[i] = Number(first);
        }
      }
      feeds[input.name] = { dtype: 'float32', data, dims: [n, ...input.shape.slice(1).map(Number)] };
      continue;
    }
    rows.forEach((row, i) => {
      const parts = field(row)
        .split(/[\s|]+/)
        .filter((s) => s !== '');
      parts.slice(0, width).forEach((p, j) => (data[i * width + j] = Number(p)));
    });
    feeds[input.name] = { dtype: 'float32', data, dims: [n, ...input.shape.slice(1).map(Number)] };
  }
  return feeds;
}

/**
 * A data file's value as the text a client holds: lists joined by `|`, objects as
 * `key:value` pairs, booleans as 1 or 0, null as missing.
 */
export function clientText(v: RawValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return (v as readonly RawValue[]).map((x) => clientText(x)).join('|');
  if (typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => `${k}:${clientText(x)}`)
      .join('|');
  return String(v);
}
