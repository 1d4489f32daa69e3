import type * as tfTypes from '@tensorflow/tfjs';
import { initialValue } from '../backends/tfjs/initializers.js';
import type { Tf } from '../backends/tfjs/loadTf.js';
import { TfProgram } from '../backends/tfjs/program.js';
import type { Dataset } from '../data/dataset.js';
import type { Batch } from '../ir/batch.js';
import type { IrGraph, IrNode } from '../ir/ir.js';
import { DenseOptimizer } from './denseOptimizer.js';
import { learningRate } from './schedule.js';
import { auc, FloatBuffer, prAuc } from './setMetrics.js';
import { SparseTable } from './sparseTables.js';

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
}

export interface TrainerOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly seed: number;
  readonly shuffle: number;
  readonly onProgress?: (step: number, examples: number, loss: number, seconds: number) => void;
  /** Every this many global steps, `onCheckpoint` is called mid-epoch (0: never). */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (progress: EpochProgress) => void;
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
  private step = 0;

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
      if (tableNode.op !== 'param' || !(consumers.get(tableNode.id) ?? []).every((c) => c.op === 'embedding_lookup' && c.inputs[1] === tableNode.id)) continue;
      let table = tables.get(tableNode.id);
      if (!table) {
        const shape = tableNode.attrs['shape'] as [number, number];
        const init = tf.tidy(() => initialValue(tf, shape, String(tableNode.attrs['init']), Number(tableNode.attrs['std']), options.seed * 7919 + tableNode.id));
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
  }

  /** The embedded values of a batch for each sparse lookup, as tensors. */
  private embedded(batch: Batch): tfTypes.Tensor[] {
    return this.lookups.map((l) => {
      const column = this.program.columnFor(batch, l.idsNode);
      if (!column) throw new Error(`no batch column feeds the ids of embedding lookup %${l.node.id}`);
      const { values, shape } = l.table.gather(column, l.combiner);
      return this.tf.tensor(values, shape);
    });
  }

  private overrides(inputs: readonly tfTypes.Tensor[]): Map<number, tfTypes.Tensor> {
    const map = new Map<number, tfTypes.Tensor>();
    this.lookups.forEach((l, i) => map.set(l.node.id, inputs[i]!));
    this.dense.forEach((d, i) => map.set(d.node, inputs[this.lookups.length + i]!));
    return map;
  }

  /** One optimization step on a batch; returns the loss. */
  trainStep(batch: Batch, lr: number): number {
    const tf = this.tf;
    const lossNode = this.graph.train?.loss;
    if (lossNode === null || lossNode === undefined) throw new Error('the train section has no loss');
    this.step++;
    const embedded = this.embedded(batch);
    const inputs = [...embedded, ...this.dense.map((d) => d.variable as tfTypes.Tensor)];
    const { value, grads } = tf.valueAndGrads((...xs: tfTypes.Tensor[]) => this.program.forward(batch, [lossNode], { training: true, overrides: this.overrides(xs) }).get(lossNode)! as tfTypes.Scalar)(inputs);
    const loss = value.dataSync()[0]!;
    let denseGrads = grads.slice(this.lookups.length);
    const sparseRows = this.lookups.map((l, i) => l.table.scatter(this.program.columnFor(batch, l.idsNode)!, l.combiner, grads[i]!.dataSync() as Float32Array));
    // Gradient clipping by the global norm over every parameter, dense and sparse alike.
    const clip = Number(this.graph.train?.settings['clip_norm'] ?? 0);
    if (clip > 0) {
      let squares = denseGrads.reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0);
      for (const rows of sparseRows) for (const r of rows.values()) for (const x of r) squares += x * x;
      const norm = Math.sqrt(squares);
      if (norm > clip) {
        const scale = clip / norm;
        denseGrads = denseGrads.map((g) => tf.mul(g, scale));
        for (const rows of sparseRows) for (const r of rows.values()) for (let j = 0; j < r.length; j++) r[j]! *= scale;
      }
    }
    this.optimizer.apply(this.dense.map((d) => d.variable), denseGrads, lr, this.step, Number(this.graph.train?.settings['weight_decay'] ?? 0));
    if (clip > 0) denseGrads.forEach((g, i) => g !== grads[this.lookups.length + i] && g.dispose());
    this.lookups.forEach((l, i) => {
      const rows = sparseRows[i]!;
      if (this.optimizer.name === 'adam') l.table.adam(rows, lr, this.step, Number(this.optimizer.args['beta1'] ?? 0.9), Number(this.optimizer.args['beta2'] ?? 0.999), Number(this.optimizer.args['eps'] ?? 1e-7), this.optimizer.args['lazy'] !== false);
      else if (this.optimizer.name === 'adagrad') l.table.adagrad(rows, lr, Number(this.optimizer.args['initial_accumulator'] ?? 0.1));
      else if (this.optimizer.name === 'momentum') l.table.momentum(rows, lr, Number(this.optimizer.args['momentum'] ?? 0.9), this.optimizer.args['nesterov'] === true);
      else l.table.sgd(rows, lr);
    });
    value.dispose();
    grads.forEach((g) => g.dispose());
    embedded.forEach((e) => e.dispose());
    return loss;
  }

  /** Metrics of the train section over a part of the data, by name. */
  async evaluate(batches: AsyncIterable<Batch> | Iterable<Batch>): Promise<Record<string, number>> {
    const tf = this.tf;
    const metricNodes = this.graph.nodes.filter((n) => n.op.startsWith('metric_'));
    const buffers = metricNodes.map((n) => n.inputs.map(() => new FloatBuffer()));
    const inputs = [...new Set(metricNodes.flatMap((n) => n.inputs))];
    for await (const batch of batches) {
      tf.tidy(() => {
        const embedded = this.embedded(batch);
        const overrides = new Map<number, tfTypes.Tensor>();
        this.lookups.forEach((l, i) => overrides.set(l.node.id, embedded[i]!));
        const values = this.program.forward(batch, inputs, { overrides });
        metricNodes.forEach((n, m) => n.inputs.forEach((i, k) => buffers[m]![k]!.push(values.get(i)!.dataSync() as Float32Array)));
      });
    }
    const results = new Map<number, tfTypes.Tensor>();
    metricNodes.forEach((n, m) => {
      const [a, b] = buffers[m]!.map((x) => x.values());
      const value = n.op === 'metric_auc' ? auc(a!, b!) : n.op === 'metric_pr_auc' ? prAuc(a!, b!) : a!.reduce((s, x) => s + x, 0) / Math.max(1, a!.length);
      results.set(n.id, tf.scalar(value));
    });
    const named: Record<string, number> = {};
    const empty: Batch = { size: 0, columns: new Map() };
    for (const m of this.graph.train?.metrics ?? []) {
      const v = tf.tidy(() => this.program.forward(empty, [m.node], { overrides: results }).get(m.node)!.dataSync()[0]!);
      named[m.name] = v;
    }
    results.forEach((t) => t.dispose());
    return named;
  }

  /**
   * The values of `nodes` (model outputs) for each batch, in batch order, as flat arrays
   * with their shapes; inference mode (no dropout).
   */
  async *predict(batches: AsyncIterable<Batch> | Iterable<Batch>, nodes: readonly number[]): AsyncGenerator<{ size: number; values: { data: Float32Array; shape: number[] }[] }> {
    const tf = this.tf;
    for await (const batch of batches) {
      const values = tf.tidy(() => {
        const embedded = this.embedded(batch);
        const overrides = new Map<number, tfTypes.Tensor>();
        this.lookups.forEach((l, i) => overrides.set(l.node.id, embedded[i]!));
        const out = this.program.forward(batch, nodes, { overrides });
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
      this.optimizer.slotValues(d.variable).forEach((values, i) => out.push({ name: `${name}:slot${i}`, shape: [...d.variable.shape], values }));
    }
    const seen = new Set<number>();
    for (const l of this.lookups) {
      if (seen.has(l.tableNode)) continue;
      seen.add(l.tableNode);
      const name = String(this.graph.nodes[l.tableNode]!.attrs['name']);
      for (const [slot, values] of Object.entries(l.table.state())) out.push({ name: `${name}:${slot}`, shape: [l.table.rows, l.table.dim], values });
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
    for (const d of this.dense) out.push({ name: String(this.graph.nodes[d.node]!.attrs['name']), shape: [...d.variable.shape], values: d.variable.dataSync() as Float32Array });
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
  async fit(dataset: Dataset, report: (r: EpochReport) => void, start: number | EpochProgress = 1, history: readonly Readonly<Record<string, number>>[] = []): Promise<void> {
    const { epochs, batch, seed, shuffle } = this.options;
    const stopper = this.makeStopper();
    // A resumed run replays its recorded epochs so early stopping counts them.
    for (const metrics of history) if (stopper?.(metrics)) return;
    const trainPart = await dataset.encode('train');
    const testPart = await dataset.encode('test');
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
      for (const b of trainPart.batches(batch, shuffle > 0 ? seed * 1000 + epoch : undefined, steps)) {
        const loss = this.trainStep(b, rate(this.step));
        lossSum += loss * b.size;
        examples += b.size;
        steps++;
        const seconds = (performance.now() - started) / 1000;
        this.options.onProgress?.(steps, examples, loss, seconds);
        if (every > 0 && this.step % every === 0 && steps < stepsPerEpoch) this.options.onCheckpoint?.({ epoch, batches: steps, examples, lossSum, seconds });
      }
      const seconds = (performance.now() - started) / 1000;
      const metrics = await this.evaluate(testPart.batches(4096));
      report({ epoch, steps, examples, trainSeconds: seconds, examplesPerSecond: examples / seconds, loss: lossSum / Math.max(1, examples), metrics });
      if (stopper?.(metrics)) return;
    }
  }

  /**
   * `early_stop(metric: auc, patience: 2, mode: "max", min_delta: 0)`: stop when the named
   * metric has not improved for `patience` epochs. Lower is better for loss-like metrics
   * (names containing `loss`), higher otherwise, unless `mode` says.
   */
  private makeStopper(): ((metrics: Record<string, number>) => boolean) | undefined {
    const setting = this.graph.train?.settings['early_stop'] as { args?: Record<string, unknown> } | undefined;
    if (!setting?.args) return undefined;
    const wanted = String(setting.args['metric']);
    const patience = Number(setting.args['patience'] ?? 2);
    const minDelta = Number(setting.args['min_delta'] ?? 0);
    const lowerIsBetter = setting.args['mode'] === 'min' || (setting.args['mode'] === undefined && /loss/.test(wanted));
    let best = lowerIsBetter ? Infinity : -Infinity;
    let stale = 0;
    return (metrics) => {
      const name = Object.keys(metrics).find((k) => k === wanted || k.startsWith(`${wanted}(`));
      const value = name === undefined ? undefined : metrics[name];
      if (value === undefined || Number.isNaN(value)) return false;
      const improved = lowerIsBetter ? value < best - minDelta : value > best + minDelta;
      if (improved) {
        best = value;
        stale = 0;
        return false;
      }
      stale++;
      return stale >= patience;
    };
  }
}
