import { parentPort, workerData } from 'node:worker_threads';
import { loadTf, type BackendName } from '../backends/tfjs/loadTf.js';
import { TfProgram } from '../backends/tfjs/program.js';
import type { Batch, BatchColumn } from '../ir/batch.js';
import type { IrGraph } from '../ir/ir.js';
import type { DropoutMask } from './dropoutMasks.js';
import { lossGradients } from './lossGradients.js';

/** What the trainer starts a gradient worker with. */
export interface GradientWorkerSetup {
  readonly graph: IrGraph;
  readonly backend: BackendName;
  readonly lossNode: number;
  /** Embedding tables the trainer keeps in JS: not variables here either. */
  readonly tables: readonly number[];
}

/** One half-batch: its columns, the embedded values of each lookup, and the dense parameters' current values. */
export interface GradientRequest {
  readonly size: number;
  readonly columns: readonly [string, BatchColumn][];
  readonly lookups: readonly { readonly node: number; readonly values: Float32Array; readonly shape: readonly number[] }[];
  readonly weights: readonly Float32Array[];
  /** The half-batch's rows of each dropout mask. */
  readonly masks: readonly DropoutMask[];
}

/**
 * The second core's share of a training step: runs the same loss and gradients as the
 * trainer on the half-batch it is sent, with the weights it is sent, and posts back the
 * loss and gradients. Holds no state between steps besides its TF.js program.
 */
async function serve(): Promise<void> {
  const setup = workerData as GradientWorkerSetup;
  const { tf } = await loadTf(setup.backend);
  const program = new TfProgram(tf, setup.graph, 1, new Set(setup.tables));
  const dense = [...program.variables].map(([node, variable]) => ({ node, variable }));
  parentPort!.on('message', (request: GradientRequest) => {
    dense.forEach((d, i) => {
      const value = tf.tensor(request.weights[i]!, d.variable.shape);
      d.variable.assign(value);
      value.dispose();
    });
    const batch: Batch = { size: request.size, columns: new Map(request.columns) };
    const result = lossGradients(tf, program, batch, setup.lossNode, request.lookups, dense, request.masks);
    // Copies that own their buffers, so transferring them cannot detach a backend's memory.
    const owned = { loss: result.loss, embedded: result.embedded.map((a) => a.slice()), dense: result.dense.map((a) => a.slice()) };
    parentPort!.postMessage(
      owned,
      [...owned.embedded, ...owned.dense].map((a) => a.buffer as ArrayBuffer),
    );
  });
  parentPort!.postMessage('ready');
}

void serve();
