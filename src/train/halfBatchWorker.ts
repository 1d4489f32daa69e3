import type * as tfTypes from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Tf } from '../backends/tfjs/loadTf.js';
import type { TfProgram } from '../backends/tfjs/program.js';
import type { Batch } from '../ir/batch.js';
import type { DropoutMask } from './dropoutMasks.js';
import type { GradientRequest, GradientWorkerSetup } from './gradientWorker.js';
import { lossGradients, type LossGradients } from './lossGradients.js';
import { sliceBatch, sliceRows } from './splitBatch.js';

/** The gathered rows of one embedding lookup for a batch. */
export interface Gathered {
  readonly node: number;
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * The second core of a training step: a worker thread (`gradientWorker.ts`) that computes
 * the loss and gradients of the second half of each batch while the trainer computes the
 * first. The first split step checks that the two halves' gradients, weighted by their
 * sizes, equal the whole batch's (true of losses that average over examples, dropout
 * included since its masks are drawn for the whole batch; not of sample-weighted models);
 * when they do not, the worker stops and the trainer goes on with one thread.
 */
export class HalfBatchWorker {
  private worker: Worker | null = null;
  /** Whether two half-batches give the whole batch's gradients; undefined until checked. */
  private splitExact: boolean | undefined = undefined;

  /** Whether a batch is split over two cores: a worker runs and the split was not found inexact. */
  get splitting(): boolean {
    return this.worker !== null && this.splitExact !== false;
  }

  async start(setup: GradientWorkerSetup): Promise<void> {
    if (this.worker) return;
    const source = import.meta.url.endsWith('.ts');
    const url = new URL(source ? './gradientWorker.ts' : './gradientWorker.js', import.meta.url);
    // Run from source (tests), the worker's TypeScript goes through tsx's loader, registered in the worker itself.
    // (tsx is resolved here: an eval'd worker resolves bare names from the working folder.)
    const tsx = source
      ? new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href
      : '';
    const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
    const worker = source ? new Worker(boot, { eval: true, workerData: setup }) : new Worker(url, { workerData: setup });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.unref();
    this.worker = worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ask(request: GradientRequest): Promise<LossGradients> {
    const worker = this.worker!;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      worker.once('error', onError);
      worker.once('message', (result: LossGradients) => {
        worker.off('error', onError);
        resolve(result);
      });
      worker.postMessage(request);
    });
  }

  /**
   * The loss and gradients of a batch of two or more examples, half on each core (only
   * while `splitting`): the first half here, the second on the worker, joined as the whole
   * batch's mean. On the first call, also the whole batch's, to check the split.
   */
  async gradients(
    tf: Tf,
    program: TfProgram,
    batch: Batch,
    lossNode: number,
    full: readonly Gathered[],
    dense: readonly { readonly node: number; readonly variable: tfTypes.Tensor }[],
    masks: readonly DropoutMask[],
  ): Promise<LossGradients> {
    const n = batch.size;
    const h = Math.ceil(n / 2);
    const rows = <T extends { values: Float32Array; shape: readonly number[] }>(all: readonly T[], from: number, to: number): T[] =>
      all.map((g) => ({ ...g, values: sliceRows(g.values, g.values.length / n, from, to), shape: [to - from, ...g.shape.slice(1)] }));
    const b = sliceBatch(batch, h, n);
    const pending = this.ask({
      size: b.size,
      columns: [...b.columns],
      lookups: rows(full, h, n),
      weights: dense.map((d) => d.variable.dataSync() as Float32Array),
      masks: rows(masks, h, n),
    });
    const first = lossGradients(tf, program, sliceBatch(batch, 0, h), lossNode, rows(full, 0, h), dense, rows(masks, 0, h));
    const second = await pending;
    // The whole batch's mean is the halves' means weighted by their sizes.
    const wa = h / n;
    const wb = (n - h) / n;
    const mix = (a: Float32Array, b2: Float32Array): Float32Array => a.map((x, i) => wa * x + wb * b2[i]!);
    const joined: LossGradients = {
      loss: wa * first.loss + wb * second.loss,
      embedded: first.embedded.map((a, i) => {
        const out = new Float32Array(a.length + second.embedded[i]!.length);
        out.set(a.map((x) => wa * x));
        out.set(
          second.embedded[i]!.map((x) => wb * x),
          a.length,
        );
        return out;
      }),
      dense: first.dense.map((a, i) => mix(a, second.dense[i]!)),
    };
    if (this.splitExact === undefined) {
      const whole = lossGradients(tf, program, batch, lossNode, full, dense, masks);
      const close = (x: Float32Array[], y: Float32Array[]): boolean =>
        x.every((a, i) => {
          const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          return a.every((v, k) => Math.abs(v - y[i]![k]!) <= 1e-4 * scale + 1e-7);
        });
      this.splitExact =
        Math.abs(whole.loss - joined.loss) <= 1e-5 * Math.max(1, Math.abs(whole.loss)) &&
        close(whole.dense, joined.dense) &&
        close(whole.embedded, joined.embedded);
      if (!this.splitExact) {
        await this.stop();
        return whole;
      }
    }
    return joined;
  }
}
