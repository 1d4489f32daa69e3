import { encodeVectorTensor, type GoldenVectors } from '../artifact/vectors.js';
import type { ExportedSignature } from '../backends/onnx/exportedSignature.js';
import type { OnnxValue } from '../backends/onnx/runOnnx.js';
import type { ClientRow } from '../data/signatureFeeds.js';
import { backendTolerance } from './compareBackends.js';

/** Golden rows in `vectors.json`; the comparison with TF.js runs on more rows (`rows` of the export). */
export const goldenCount = 8;

/** One signature's ONNX Runtime run: what it was fed and what it gave. */
export interface OnnxRun {
  readonly feeds: Record<string, OnnxValue>;
  readonly outputs: Record<string, OnnxValue>;
}

/** Golden inputs (the first rows' feeds) and ONNX Runtime's outputs on them, per signature. */
export function goldenVectors(
  signatures: readonly ExportedSignature[],
  runs: readonly OnnxRun[],
  count: number,
  rows: readonly ClientRow[],
): GoldenVectors {
  const head = (v: OnnxValue): { shape: number[]; values: Float32Array | BigInt64Array | (number | string)[] } => {
    const width = v.dims.slice(1).reduce((p, q) => p * q, 1);
    const shape = [Math.min(count, v.dims[0]!), ...v.dims.slice(1)];
    const n = shape[0]! * width;
    if (v.dtype === 'float32') return { shape, values: v.data.slice(0, n) };
    if (v.dtype === 'int64') return { shape, values: v.data.slice(0, n) };
    if (v.dtype === 'bool') return { shape, values: Array.from(v.data.slice(0, n)) };
    return { shape, values: v.data.slice(0, n) };
  };
  const tensor = (dtype: ExportedSignature['inputs'][number]['dtype'], v: OnnxValue) => {
    const h = head(v);
    return encodeVectorTensor(dtype, h.shape, h.values);
  };
  // Only the columns some signature reads, so labels and unused columns stay out.
  const read = new Set(signatures.flatMap((s) => s.inputs.flatMap((i) => i.columns ?? [i.feature])));
  return {
    rows: rows.slice(0, count).map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => read.has(k))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    ),
    tolerance: { ...backendTolerance },
    signatures: Object.fromEntries(
      signatures.map((s, i) => [
        s.name,
        {
          inputs: Object.fromEntries(s.inputs.map((input) => [input.name, tensor(input.dtype, runs[i]!.feeds[input.name]!)])),
          outputs: Object.fromEntries(s.outputs.map((o) => [o.name, tensor(o.dtype, runs[i]!.outputs[o.name]!)])),
        },
      ]),
    ),
  };
}
