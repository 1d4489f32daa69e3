import type { MessagePort } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';

/** What a session worker is started with. */
export interface SessionWorkerData {
  /** The resolved path of onnxruntime-node (an eval'd worker resolves bare names from the working folder, not from here). */
  readonly ort: string;
  readonly bytes: Uint8Array;
  readonly options: ort.InferenceSession.SessionOptions;
}

/** One run asked of the worker: its feeds as `OnnxValue`s (plain data). */
export interface SessionRunRequest {
  readonly id: number;
  readonly feeds: Readonly<Record<string, { readonly dtype: string; readonly data: unknown; readonly dims: readonly number[] }>>;
}

/** The worker's answer to a run, or to its start (`id` -1). */
export type SessionWorkerReply =
  | { readonly id: number; readonly outputs: Record<string, { dtype: string; data: unknown; dims: readonly number[] }> }
  | { readonly id: number; readonly error: string };

/**
 * The body of a session worker thread: opens its own ONNX Runtime session on the model's
 * bytes and runs the feeds it is sent, one after another, answering each with its outputs
 * (their buffers moved, not copied, when they own them). onnxruntime-node's `run` is
 * synchronous on the calling thread (behind a `setImmediate`), so a run here leaves the
 * server's event loop free for the HTTP and JSON work of the next requests.
 *
 * It is started as the text of this function (`workerSession.ts`), the same from the
 * TypeScript sources (tests) and from the build, so it must not use anything from outside
 * it: its imports are types only.
 */
export function sessionWorkerMain(load: (id: string) => unknown, port: MessagePort, data: SessionWorkerData): void {
  const runtime = load(data.ort) as typeof ort;
  runtime.InferenceSession.create(data.bytes, data.options).then(
    (session) => {
      port.on('message', (request: SessionRunRequest) => {
        const tensors: Record<string, ort.Tensor> = {};
        try {
          for (const name of Object.keys(request.feeds)) {
            const v = request.feeds[name]!;
            tensors[name] = new runtime.Tensor(v.dtype as 'float32', v.data as Float32Array, [...v.dims]);
          }
        } catch (error) {
          port.postMessage({ id: request.id, error: (error as Error).message });
          return;
        }
        session.run(tensors).then(
          (out) => {
            const outputs: Record<string, { dtype: string; data: unknown; dims: readonly number[] }> = {};
            const moved: ArrayBuffer[] = [];
            for (const name of Object.keys(out)) {
              const t = out[name]!;
              const d = t.data;
              if (ArrayBuffer.isView(d) && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer)
                moved.push(d.buffer);
              outputs[name] = { dtype: t.type, data: d, dims: t.dims };
            }
            port.postMessage({ id: request.id, outputs }, moved);
          },
          (error: unknown) => port.postMessage({ id: request.id, error: (error as Error).message }),
        );
      });
      port.postMessage({ id: -1, outputs: {} });
    },
    (error: unknown) => port.postMessage({ id: -1, error: (error as Error).message }),
  );
}
