import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { onnxSessionOptions, type OnnxValue } from '../backends/onnx/runOnnx.js';
import { sessionWorkerMain, type SessionRunRequest, type SessionWorkerData, type SessionWorkerReply } from './sessionWorkerMain.js';

/** What a signature runner needs of a session: `OnnxSession` in this thread, or `WorkerSession` in its own. */
export interface FeedsSession {
  run(feeds: Readonly<Record<string, OnnxValue>>): Promise<Record<string, OnnxValue>>;
  release(): Promise<void>;
}

interface Pending {
  readonly resolve: (outputs: Record<string, OnnxValue>) => void;
  readonly reject: (error: Error) => void;
}

// The worker is the text of `sessionWorkerMain`, so that it starts the same from the sources and from the build.
const boot = `const { parentPort, workerData } = require('node:worker_threads');\n(${sessionWorkerMain.toString()})(require, parentPort, workerData);`;

/**
 * An ONNX Runtime session in a worker thread of its own (`sessionWorkerMain`): `run` posts
 * the feeds and resolves with the outputs the worker sends back, in the order asked. The
 * model runs off the event loop, so the server reads, parses and answers other requests
 * meanwhile (onnxruntime-node runs a session synchronously on the thread that calls it).
 * The worker keeps the process alive only while runs are pending.
 */
export class WorkerSession implements FeedsSession {
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private stopped: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: SessionWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply.outputs as Record<string, OnnxValue>);
    });
    const fail = (error: Error): void => {
      this.stopped ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ONNX Runtime worker thread stopped (exit code ${code})`)));
  }

  /** Starts a worker with a session of `bytes`, with `OnnxSession.load`'s options; rejects with ONNX Runtime's error when it cannot open it. */
  static async load(bytes: Uint8Array, threads?: number, spinning = true): Promise<WorkerSession> {
    const data: SessionWorkerData = {
      ort: createRequire(import.meta.url).resolve('onnxruntime-node'),
      bytes,
      options: onnxSessionOptions(threads, spinning),
    };
    const worker = new Worker(boot, { eval: true, workerData: data });
    // Its own listeners only: a Worker's internal ones (which ref and unref its port) must stay.
    let onMessage: ((reply: SessionWorkerReply) => void) | undefined;
    let onError: ((error: Error) => void) | undefined;
    let onExit: ((code: number) => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        onMessage = (reply) => ('error' in reply ? reject(new Error(reply.error)) : resolve());
        onError = reject;
        onExit = (code) => reject(new Error(`the ONNX Runtime worker thread stopped (exit code ${code})`));
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('message', onMessage!).off('error', onError!).off('exit', onExit!);
    }
    worker.unref();
    return new WorkerSession(worker);
  }

  run(feeds: Readonly<Record<string, OnnxValue>>): Promise<Record<string, OnnxValue>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      // The feeds are copied (structured clone): a request's typed arrays are small, and may be views on a shared buffer.
      this.worker.postMessage({ id, feeds } satisfies SessionRunRequest);
    });
  }

  /** Stops the worker (its session goes with it); runs still pending are refused. */
  async release(): Promise<void> {
    this.stopped ??= new Error('the session was released');
    await this.worker.terminate();
  }
}
