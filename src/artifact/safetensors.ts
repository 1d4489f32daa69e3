/**
 * The safetensors format (https://github.com/huggingface/safetensors), written and read
 * here because no maintained npm package does: 8 bytes of header length (unsigned
 * 64-bit little-endian), a JSON header mapping each tensor name to
 * `{ dtype, shape, data_offsets: [begin, end] }` plus an optional `__metadata__` of
 * string values, padded with spaces so the data starts 8-byte aligned, then the tensors'
 * little-endian bytes, back to back, with no holes.
 */

export type SafetensorsDtype = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

const dtypeSizes: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** One tensor: its element type, dimensions and raw little-endian bytes. */
export interface SafeTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** The reference implementation refuses larger headers, so a reader in any language may too. */
const maxHeaderBytes = 100_000_000;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A float32 tensor from values, as little-endian bytes whatever the host's byte order. */
export function float32Tensor(shape: readonly number[], values: Float32Array | readonly number[]): SafeTensor {
  if (elementCount(shape) !== values.length)
    throw new SafetensorsError(`shape [${shape.join(', ')}] holds ${elementCount(shape)} values, but ${values.length} were given`);
  const data = new Uint8Array(values.length * 4);
  const view = new DataView(data.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { dtype: 'F32', shape: [...shape], data };
}

/** The values of an `F32` tensor. */
export function float32Values(tensor: SafeTensor): Float32Array {
  if (tensor.dtype !== 'F32') throw new SafetensorsError(`expected an F32 tensor, found ${tensor.dtype}`);
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Float32Array(tensor.data.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Serializes tensors in the order of their names (UTF-16 code units), `__metadata__`
 * first, so the same tensors always give the same bytes.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafeTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = { ...metadata };
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new SafetensorsError('a tensor may not be named `__metadata__`');
    const t = tensors.get(name)!;
    checkTensor(name, t.dtype, t.shape, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const name of names) {
    const data = tensors.get(name)!.data;
    out.set(data, at);
    at += data.byteLength;
  }
  return out;
}

function checkTensor(name: string, dtype: unknown, shape: unknown, byteLength: number): asserts dtype is SafetensorsDtype {
  if (typeof dtype !== 'string' || !Object.hasOwn(dtypeSizes, dtype))
    throw new SafetensorsError(`tensor \`${name}\` has an unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw new SafetensorsError(`tensor \`${name}\` has an invalid shape ${JSON.stringify(shape)}`);
  const expected = elementCount(shape as number[]) * dtypeSizes[dtype as SafetensorsDtype];
  if (expected !== byteLength)
    throw new SafetensorsError(
      `tensor \`${name}\` (${dtype} [${(shape as number[]).join(', ')}]) needs ${expected} bytes, but has ${byteLength}`,
    );
}

/**
 * Reads a safetensors file, checking what the format requires: a header that fits, known
 * dtypes, sizes matching shapes, and offsets covering the data exactly once. The tensors'
 * bytes are copies, so they are safely aligned and independent of `bytes`.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) throw new SafetensorsError(`the file has ${bytes.byteLength} bytes, fewer than the 8 of the header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(maxHeaderBytes, bytes.byteLength - 8)))
    throw new SafetensorsError(`the header length ${headerLength} does not fit in the file of ${bytes.byteLength} bytes`);
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
    if (!text.startsWith('{')) throw new SafetensorsError('the header does not start with `{`');
    header = JSON.parse(text);
  } catch (error) {
    if (error instanceof SafetensorsError) throw error;
    throw new SafetensorsError(`the header is not UTF-8 JSON: ${(error as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('the header is not a JSON object');
  const entries = header as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const raw = entries['__metadata__'];
  if (raw !== undefined) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string'))
      throw new SafetensorsError('`__metadata__` is not an object of strings');
    Object.assign(metadata, raw);
  }
  const dataLength = bytes.byteLength - headerEnd;
  const spans: { name: string; begin: number; end: number }[] = [];
  const tensors = new Map<string, SafeTensor>();
  for (const [name, entry] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    if (entry === null || typeof entry !== 'object') throw new SafetensorsError(`tensor \`${name}\` is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0))
      throw new SafetensorsError(`tensor \`${name}\` has invalid data_offsets ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength)
      throw new SafetensorsError(`tensor \`${name}\` has data_offsets [${begin}, ${end}] outside the ${dataLength} data bytes`);
    checkTensor(name, dtype, shape, end - begin);
    spans.push({ name, begin, end });
    tensors.set(name, { dtype, shape: [...(shape as number[])], data: bytes.slice(headerEnd + begin, headerEnd + end) });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin !== covered)
      throw new SafetensorsError(
        s.begin < covered
          ? `tensor \`${s.name}\` overlaps the tensor before it`
          : `the data has a hole of ${s.begin - covered} bytes before tensor \`${s.name}\``,
      );
    covered = s.end;
  }
  if (covered !== dataLength) throw new SafetensorsError(`the data has ${dataLength - covered} bytes after the last tensor`);
  return { tensors, metadata };
}
