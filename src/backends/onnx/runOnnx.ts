import * as ort from 'onnxruntime-node';
import type { OnnxDtype } from './exportedSignature.js';

/** One input or output value for ONNX Runtime: element type, data and dimensions. */
export type OnnxValue =
  | { readonly dtype: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly dtype: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly dtype: 'bool'; readonly data: Uint8Array; readonly dims: readonly number[] }
  | { readonly dtype: 'string'; readonly data: readonly string[]; readonly dims: readonly number[] };

/** The session options of `OnnxSession.load` (plain data: a worker thread opening its own session takes them too). */
export function onnxSessionOptions(threads?: number, spinning = true): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 };
  if (!spinning) options.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  return options;
}

/** A loaded model that runs batches, so a caller checking many batches loads it once. */
export class OnnxSession {
  private constructor(private readonly session: ort.InferenceSession) {}

  /**
   * `threads`: ONNX Runtime's intra-op threads (its own default when absent). `spinning:
   * false` makes its pool threads sleep between runs instead of spin-waiting, which a
   * server sharing the cores with its event loop wants.
   */
  static async load(bytes: Uint8Array, threads?: number, spinning = true): Promise<OnnxSession> {
    return new OnnxSession(await ort.InferenceSession.create(bytes, onnxSessionOptions(threads, spinning)));
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  async run(feeds: Readonly<Record<string, OnnxValue>>): Promise<Record<string, OnnxValue>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, v] of Object.entries(feeds)) {
      // ort.Tensor's constructor overloads are keyed by the dtype literal; the union cannot pick one.
      tensors[name] = new ort.Tensor(v.dtype, v.data as never, [...v.dims]);
    }
    const out = await this.session.run(tensors);
    const result: Record<string, OnnxValue> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { dtype: t.type as OnnxDtype, data: t.data, dims: t.dims } as OnnxValue;
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
