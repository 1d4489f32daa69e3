import type * as tfTypes from '@tensorflow/tfjs';
import { initialValue } from '../backends/tfjs/initializers.js';
import type { BackendName, Tf } from '../backends/tfjs/loadTf.js';
import { TfProgram } from '../backends/tfjs/program.js';
import type { Dataset } from '../data/dataset.js';
import type { Part } from '../data/split.js';
import type { Batch } from '../ir/batch.js';
import type { IrGraph, IrNode } from '../ir/ir.js';
import { DenseOptimizer } from './denseOptimizer.js';
import { dropoutMasks, dropoutNodes } from './dropoutMasks.js';
import type { StepEngine } from './onnxStep.js';
import { earlyStopper } from './earlyStopper.js';
import { evaluateMetrics, type Evaluation } from './evaluateMetrics.js';
import { HalfBatchWorker, type Gathered } from './halfBatchWorker.js';
import { lossGradients, type LossGradients } from './lossGradients.js';
import { learningRate } from './schedule.js';
import { SparseTable } from './sparseTables.js';
import type { OutputCalibration } from './report/outputCalibration.js';

/** An embedding lookup run by the project's own kernels: its table, ids entry and combiner. */
interface SparseLookup {
  readonly node: IrNode;
  readonly idsNode: number;
  readonly table: SparseTable;
  readonly tableNode: number;
  readonly combiner: string;
}

export interface EpochReport {
  readonly epoch: number;
  readonly steps: number;
  readonly examples: number;
  readonly trainSeconds: number;
  readonly examplesPerSecond: number;
  readonly loss: number;
  /** Metric name to value on the evaluation part. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The calibration on the evaluation part of each output a metric measures against a binary label. */
  readonly calibration: readonly OutputCalibration[];
}

export interface TrainerOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  readonly shuffle: number;
  /** After each step: the batches of this epoch so far, their examples, the step's loss, the epoch's seconds and the epoch. */
  readonly onProgress?: (step: number, examples: number, loss: number, seconds: number, epoch: number) => void;
  /** Every this many global steps, `onCheckpoint` is called mid-epoch (0: never). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (progress: EpochProgress) => void;
  /** Computes each step's loss and gradients instead of TF.js (the `onnxruntime` engine); everything else stays the trainer's. */
  readonly engine?: StepEngine;
}

/**
 * Where a run stands inside an epoch: what a step checkpoint records so `--resume`
 * continues with the same batches, in the same order, and the same epoch figures.
 */
export interface EpochProgress {
  readonly epoch: number;
  /** Batches of this epoch already trained. */
  readonly batches: number;
  readonly examples: number;
  readonly lossSum: number;
  readonly seconds: number;
}

/**
 * Trains a fitted IR graph: dense parameters as TF.js variables with the train section's
 * optimizer, embedding tables in JS with row-sparse gradients and lazy updates, the loss
 * differentiated by `tf.valueAndGrads`, metrics on the evaluation part after each epoch.
 */
export class Trainer {
  readonly program: TfProgram;
  private readonly lookups: SparseLookup[];
  private readonly optimizer: DenseOptimizer;
  private readonly dense: { node: number; variable: tfTypes.Variable }[];
  /** The dropout nodes, whose masks the trainer draws for each step (the same on every engine). */
  private readonly dropouts: number[];
  private step = 0;
  /** Milliseconds spent in each part of the training steps so far (what `npm run bench -- flights` breaks a step into). */
  readonly timings = { steps: 0, gather: 0, gradients: 0, sparse: 0, scatter: 0, dense: 0 };
  private lastGather = 0;
  /** The second core of each step, when started. */
  private readonly halves = new HalfBatchWorker();

  constructor(
    private readonly tf: Tf,
    readonly graph: IrGraph,
    private readonly options: TrainerOptions,
  ) {
    // A table qualifies when only embedding lookups of fed ids read it.
    const consumers = new Map<number, IrNode[]>();
    for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    const lookups: SparseLookup[] = [];
    const tables = new Map<number, SparseTable>();
    for (const n of graph.nodes) {
      if (n.op !== 'embedding_lookup') continue;
      const tableNode = graph.nodes[n.inputs[1]!]!;
      if (
        tableNode.op !== 'param' ||
        !(consumers.get(tableNode.id) ?? []).every((c) => c.op === 'embedding_lookup' && c.inputs[1] === tableNode.id)
      )
        continue;
      let table = tables.get(tableNode.id);
      if (!table) {
        const shape = tableNode.attrs['shape'] as [number, number];
        const init = tf.tidy(() =>
          initialValue(tf, shape, String(tableNode.attrs['init']), Number(tableNode.attrs['std']), options.seed * 7919 + tableNode.id),
        );
        table = new SparseTable(shape[0], shape[1], init.dataSync() as Float32Array);
        init.dispose();
        tables.set(tableNode.id, table);
      }
      lookups.push({ node: n, idsNode: n.inputs[0]!, table, tableNode: tableNode.id, combiner: String(n.attrs['combiner']) });
    }
    this.lookups = lookups;
    this.program = new TfProgram(tf, graph, options.seed, new Set(tables.keys()));
    this.dense = [...this.program.variables].map(([node, variable]) => ({ node, variable }));
    this.optimizer = new DenseOptimizer(tf, graph.train?.settings['optimizer']);
    this.dropouts = dropoutNodes(graph);
  }

  /** The embedded values of a batch for each sparse lookup, as tensors. */
  private embedded(batch: Batch): tfTypes.Tensor[] {
    return this.gathered(batch).map((g) => this.tf.tensor(g.values, [...g.shape]));
  }

  /** The model's values of `nodes` for a batch, the embedded values gathered by the sparse kernels; inference mode (no dropout). */
  private forward(batch: Batch, nodes: readonly number[]): Map<number, tfTypes.Tensor> {
    const embedded = this.embedded(batch);
    const overrides = new Map<number, tfTypes.Tensor>();
    this.lookups.forEach((l, i) => overrides.set(l.node.id, embedded[i]!));
    return this.program.forward(batch, nodes, { overrides });
  }

  /** The embedded values of a batch for each sparse lookup, gathered by the sparse kernels. */
  private gathered(batch: Batch): Gathered[] {
    const started = performance.now();
    const out = this.lookups.map((l) => {
      const column = this.program.columnFor(batch, l.idsNode);
      if (!column) throw new Error(`no batch column feeds the ids of embedding lookup %${l.node.id}`);
      const { values, shape } = l.table.gather(column, l.combiner);
      return { node: l.node.id, values, shape };
    });
    this.lastGather = performance.now() - started;
    return out;
  }

  /**
   * Starts the gradient worker that computes half of each batch on a second core, when
   * the two halves give the whole batch's gradients (`HalfBatchWorker`).
   */
  async startWorker(backend: BackendName): Promise<void> {
    const lossNode = this.graph.train?.loss;
    if (lossNode === null || lossNode === undefined) return;
    await this.halves.start({ graph: this.graph, backend, lossNode, tables: [...new Set(this.lookups.map((l) => l.tableNode))] });
  }

  /** Stops the gradient worker, if any. */
  async stopWorker(): Promise<void> {
    await this.halves.stop();
  }

  /** The loss and gradients of a batch: split over two cores when a worker runs and the split is exact. */
  private async gradients(batch: Batch, lossNode: number): Promise<LossGradients> {
    const tf = this.tf;
    const full = this.gathered(batch);
    const masks = dropoutMasks(this.graph, this.dropouts, batch.size, this.options.seed, this.step);
    const engine = this.options.engine;
    if (engine)
      return engine.gradients(
        batch,
        full,
        this.dense.map((d) => ({ node: d.node, values: d.variable.dataSync() as Float32Array })),
        masks,
      );
    const dense = this.dense.map((d) => ({ node: d.node, variable: d.variable as tfTypes.Tensor }));
    if (!this.halves.splitting || batch.size < 2) return lossGradients(tf, this.program, batch, lossNode, full, dense, masks);
    return this.halves.gradients(tf, this.program, batch, lossNode, full, dense, masks);
  }

  /** Whether a batch split over two cores gives the whole batch's gradients; known after the first split step. */
  get parallel(): boolean {
    return this.halves.splitting;
  }

  /** One optimization step on a batch; returns the loss. */
  async trainStep(batch: Batch, lr: number): Promise<number> {
    const tf = this.tf;
    const lossNode = this.graph.train?.loss;
    if (lossNode === null || lossNode === undefined) throw new Error('the train section has no loss');
    this.step++;
    const t0 = performance.now();
    const result = await this.gradients(batch, lossNode);
    const t1 = performance.now();
    const sparseRows = this.lookups.map((l, i) =>
      l.table.scatter(this.program.columnFor(batch, l.idsNode)!, l.combiner, result.embedded[i]!),
    );
    const scattered = performance.now();
    let denseValues = result.dense;
    // Gradient clipping by the global norm over every parameter, dense and sparse alike.
    const clip = Number(this.graph.train?.settings['clip_norm'] ?? 0);
    if (clip > 0) {
      let squares = 0;
      for (const g of denseValues) for (const x of g) squares += x * x;
      for (const rows of sparseRows) for (const x of rows.data) squares += x * x;
      const norm = Math.sqrt(squares);
      if (norm > clip) {
        const scale = clip / norm;
        denseValues = denseValues.map((g) => g.map((x) => x * scale));
        for (const rows of sparseRows) for (let j = 0; j < rows.data.length; j++) rows.data[j]! *= scale;
      }
    }
    const t2 = performance.now();
    const denseGrads = denseValues.map((g, i) => tf.tensor(g, this.dense[i]!.variable.shape));
    this.optimizer.apply(
      this.dense.map((d) => d.variable),
      denseGrads,
      lr,
      this.step,
      Number(this.graph.train?.settings['weight_decay'] ?? 0),
    );
    denseGrads.forEach((g) => g.dispose());
    const t3 = performance.now();
    this.lookups.forEach((l, i) => {
      const rows = sparseRows[i]!;
      if (this.optimizer.name === 'adam')
        l.table.adam(
          rows,
          lr,
          this.step,
          Number(this.optimizer.args['beta1'] ?? 0.9),
          Number(this.optimizer.args['beta2'] ?? 0.999),
          Number(this.optimizer.args['eps'] ?? 1e-7),
          this.optimizer.args['lazy'] !== false,
        );
      else if (this.optimizer.name === 'adagrad') l.table.adagrad(rows, lr, Number(this.optimizer.args['initial_accumulator'] ?? 0.1));
      else if (this.optimizer.name === 'momentum')
        l.table.momentum(rows, lr, Number(this.optimizer.args['momentum'] ?? 0.9), this.optimizer.args['nesterov'] === true);
      else l.table.sgd(rows, lr);
    });
    const t4 = performance.now();
    this.timings.steps++;
    this.timings.gradients += t1 - t0 - this.lastGather;
    this.timings.gather += this.lastGather;
    this.timings.sparse += t2 - t1 + (t4 - t3);
    this.timings.scatter += scattered - t1;
    this.timings.dense += t3 - t2;
    return result.loss;
  }

  /**
   * Metrics of the train section over a part of the data, by name, and the calibration of
   * each output that a metric measures against a binary label, from the same forward pass.
   */
  async evaluate(batches: AsyncIterable<Batch> | Iterable<Batch>): Promise<Evaluation> {
    return evaluateMetrics(this.tf, this.graph, this.program, (batch, nodes) => this.forward(batch, nodes), batches);
  }

  /** The metrics over one whole part of the data (the test part, scored once after training). */
  async evaluatePart(dataset: Dataset, part: Part): Promise<Record<string, number>> {
    const encoded = await dataset.encode(part);
    return (await this.evaluate(encoded.batches(4096))).metrics;
  }

  /** Puts back the parameters of a checkpoint (early stopping's best epoch), keeping the step and the optimizer state. */
  restoreParameters(tensors: ReadonlyMap<string, Float32Array>): void {
    this.restore(new Map([...tensors].filter(([name]) => !name.includes(':'))), this.step);
  }

  /**
   * The values of `nodes` (model outputs) for each batch, in batch order, as flat arrays
   * with their shapes; inference mode (no dropout).
   */
  async *predict(
    batches: AsyncIterable<Batch> | Iterable<Batch>,
    nodes: readonly number[],
  ): AsyncGenerator<{ size: number; values: { data: Float32Array; shape: number[] }[] }> {
    const tf = this.tf;
    for await (const batch of batches) {
      const values = tf.tidy(() => {
        const out = this.forward(batch, nodes);
        return nodes.map((n) => {
          const t = out.get(n)!;
          return { data: Float32Array.from(t.dataSync() as ArrayLike<number>), shape: [...t.shape] };
        });
      });
      yield { size: batch.size, values };
    }
  }

  /** The global step, for checkpoints. */
  get globalStep(): number {
    return this.step;
  }

  /** Optimizer state by name (`PARAM:slot`), so a resumed run continues exactly. */
  optimizerState(): { name: string; shape: number[]; values: Float32Array }[] {
    const out: { name: string; shape: number[]; values: Float32Array }[] = [];
    for (const d of this.dense) {
      const name = String(this.graph.nodes[d.node]!.attrs['name']);
      this.optimizer
        .slotValues(d.variable)
        .forEach((values, i) => out.push({ name: `${name}:slot${i}`, shape: [...d.variable.shape], values }));
    }
    const seen = new Set<number>();
    for (const l of this.lookups) {
      if (seen.has(l.tableNode)) continue;
      seen.add(l.tableNode);
      const name = String(this.graph.nodes[l.tableNode]!.attrs['name']);
      for (const [slot, values] of Object.entries(l.table.state()))
        out.push({ name: `${name}:${slot}`, shape: [l.table.rows, l.table.dim], values });
    }
    return out;
  }

  /** Puts back parameters and optimizer state saved by a checkpoint, and its step. */
  restore(tensors: ReadonlyMap<string, Float32Array>, step: number): void {
    for (const d of this.dense) {
      const name = String(this.graph.nodes[d.node]!.attrs['name']);
      const values = tensors.get(name);
      if (values) d.variable.assign(this.tf.tensor(values, d.variable.shape));
      const slots: Float32Array[] = [];
      for (let i = 0; tensors.has(`${name}:slot${i}`); i++) slots.push(tensors.get(`${name}:slot${i}`)!);
      this.optimizer.restoreSlots(d.variable, slots);
    }
    for (const l of this.lookups) {
      const name = String(this.graph.nodes[l.tableNode]!.attrs['name']);
      const values = tensors.get(name);
      if (values) l.table.data.set(values);
      const state: Record<string, Float32Array> = {};
      for (const slot of ['m', 'v', 'accumulator']) {
        const v = tensors.get(`${name}:${slot}`);
        if (v) state[slot] = v;
      }
      l.table.restoreState(state);
    }
    this.step = step;
  }

  /** Every parameter's current value by name: dense variables and embedding tables. */
  parameters(): { name: string; shape: number[]; values: Float32Array }[] {
    const out: { name: string; shape: number[]; values: Float32Array }[] = [];
    for (const d of this.dense)
      out.push({
        name: String(this.graph.nodes[d.node]!.attrs['name']),
        shape: [...d.variable.shape],
        values: d.variable.dataSync() as Float32Array,
      });
    const seen = new Set<number>();
    for (const l of this.lookups) {
      if (seen.has(l.tableNode)) continue;
      seen.add(l.tableNode);
      out.push({ name: String(this.graph.nodes[l.tableNode]!.attrs['name']), shape: [l.table.rows, l.table.dim], values: l.table.data });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Runs every epoch; `report` receives each epoch's figures. Both parts are first read
   * into memory, transformed (`Dataset.encode`); the epochs then time only training, as
   * the peers' figures exclude their loading and encoding. Each epoch visits the training
   * rows in a fresh seeded order when `shuffle` is set. `start` is the first epoch, or
   * where a step checkpoint left an epoch; `history` the metrics of epochs already done.
   */
  async fit(
    dataset: Dataset,
    report: (r: EpochReport) => void,
    start: number | EpochProgress = 1,
    history: readonly Readonly<Record<string, number>>[] = [],
  ): Promise<void> {
    const { epochs, batch, seed, shuffle } = this.options;
    const stopper = earlyStopper(this.graph.train?.settings['early_stop']);
    // A resumed run replays its recorded epochs so early stopping counts them.
    for (const metrics of history) if (stopper?.(metrics)) return;
    const trainPart = await dataset.encode('train');
    // With a validation part, the epochs watch it and the test part waits for `evaluatePart`.
    const testPart = await dataset.encode(dataset.hasValidation ? 'validation' : 'test');
    const stepsPerEpoch = Math.max(1, Math.ceil(trainPart.size / batch));
    const rate = learningRate(this.optimizer.baseRate, this.optimizer.args['schedule'], stepsPerEpoch * epochs);
    const resumed = typeof start === 'number' ? undefined : start;
    const every = this.options.checkpointEvery ?? 0;
    for (let epoch = resumed?.epoch ?? (start as number); epoch <= epochs; epoch++) {
      const from = epoch === resumed?.epoch ? resumed : undefined;
      // Time already spent in this epoch before a resume counts toward its figures.
      const started = performance.now() - (from?.seconds ?? 0) * 1000;
      let examples = from?.examples ?? 0;
      let lossSum = from?.lossSum ?? 0;
      let steps = from?.batches ?? 0;
      for (const b of trainPart.batches(batch, shuffle > 0 ? seed * 1000 + epoch : undefined, steps, shuffle)) {
        const loss = await this.trainStep(b, rate(this.step));
        lossSum += loss * b.size;
        examples += b.size;
        steps++;
        const seconds = (performance.now() - started) / 1000;
        this.options.onProgress?.(steps, examples, loss, seconds, epoch);
        if (every > 0 && this.step % every === 0 && steps < stepsPerEpoch)
          this.options.onCheckpoint?.({ epoch, batches: steps, examples, lossSum, seconds });
      }
      const seconds = (performance.now() - started) / 1000;
      const { metrics, calibration } = await this.evaluate(testPart.batches(4096));
      report({
        epoch,
        steps,
        examples,
        trainSeconds: seconds,
        examplesPerSecond: examples / seconds,
        loss: lossSum / Math.max(1, examples),
        metrics,
        calibration,
      });
      if (stopper?.(metrics)) return;
    }
  }
}
