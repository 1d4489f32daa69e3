import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadTf } from '../../src/backends/tfjs/loadTf.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { auc, prAuc } from '../../src/train/setMetrics.js';
import { Trainer, type EpochReport } from '../../src/train/trainer.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

describe('set metrics', () => {
  test('AUC counts ties as half and matches the pairwise definition', () => {
    const p = Float32Array.from([0.1, 0.4, 0.35, 0.8, 0.4]);
    const y = Float32Array.from([0, 0, 1, 1, 1]);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++)
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          wins += p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0;
        }
    expect(auc(p, y)).toBeCloseTo(wins / pairs, 10);
  });
  test('average precision of a perfect ranking is 1, of a reversed one small', () => {
    expect(prAuc(Float32Array.from([0.9, 0.8, 0.1]), Float32Array.from([1, 1, 0]))).toBeCloseTo(1, 10);
    expect(prAuc(Float32Array.from([0.1, 0.2, 0.9]), Float32Array.from([1, 1, 0]))).toBeLessThan(0.7);
  });
});

async function flights(settings: Record<string, unknown> = {}) {
  const modelPath = join(repoRoot, 'models', 'flights.bird');
  const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
  const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
  const fitted = await dataset.fit();
  return {
    dataset,
    graph: { ...fitted, train: { ...fitted.train!, settings: { ...fitted.train!.settings, ...settings } } } as typeof fitted,
  };
}

describe('training policies', () => {
  test('early stopping ends when the metric has not improved for `patience` epochs', async () => {
    // Log loss falls as training goes on, so asking for it to rise stops after the second epoch.
    const { dataset, graph } = await flights({
      early_stop: { fn: 'early_stop', args: { metric: 'logloss', patience: 1, mode: 'max' }, positional: [] },
    });
    const { tf } = await loadTf('wasm');
    const reports: EpochReport[] = [];
    await new Trainer(tf, graph, { epochs: 6, batch: 512, seed: 1, shuffle: 0 }).fit(dataset, (r) => reports.push(r));
    // It stops at the first epoch whose log loss is not above the best before it.
    const values = reports.map((r) => r.metrics['logloss(p_delayed, labels.label_delayed15)']!);
    const firstStale = values.findIndex((v, i) => i > 0 && v <= Math.max(...values.slice(0, i)));
    expect(firstStale).toBeGreaterThan(0);
    expect(reports).toHaveLength(firstStale + 1);
    expect(reports.length).toBeLessThan(6);
  }, 120_000);

  test('gradient clipping by global norm limits each step', async () => {
    const { tf } = await loadTf('wasm');
    const lossAfter = async (clip: number): Promise<number> => {
      const { dataset, graph } = await flights({ clip_norm: clip, optimizer: { fn: 'sgd', args: { lr: 0.5 }, positional: [] } });
      const reports: EpochReport[] = [];
      await new Trainer(tf, graph, { epochs: 1, batch: 512, seed: 1, shuffle: 0 }).fit(dataset, (r) => reports.push(r));
      return reports[0]!.loss;
    };
    const free = await lossAfter(0);
    const clipped = await lossAfter(1e-6);
    // With steps capped at 1e-6 the model cannot move from where it started.
    expect(Math.abs(clipped - free)).toBeGreaterThan(0.01);
    const untrained = await lossAfter(1e-9);
    expect(clipped).toBeCloseTo(untrained, 3);
  }, 120_000);
});

describe('training the flights model on its sample', () => {
  test('three epochs on the cpu backend lower the loss and reach a holdout AUC above 0.56', async () => {
    const modelPath = join(repoRoot, 'models', 'flights.bird');
    const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
    const fitted = await dataset.fit();
    const { tf } = await loadTf('cpu');
    const trainer = new Trainer(tf, fitted, { epochs: 3, batch: 256, seed: 1, shuffle: 2000 });
    const reports: EpochReport[] = [];
    await trainer.fit(dataset, (r) => reports.push(r));
    expect(reports.map((r) => r.examples)).toEqual([5000, 5000, 5000]);
    expect(reports[2]!.loss).toBeLessThan(reports[0]!.loss);
    const auc3 = reports[2]!.metrics['auc(p_delayed, labels.label_delayed15)']!;
    expect(auc3).toBeGreaterThan(0.56);
    expect(Number.isFinite(reports[2]!.metrics['rce(p_delayed, labels.label_delayed15)']!)).toBe(true);
    trainer.program.dispose();
  }, 120_000);
});

describe('two threads', () => {
  test('half-batches on a worker train to the weights of whole batches on one thread (within float rounding)', async () => {
    const { tf } = await loadTf('wasm');
    const weightsAfter = async (threads: number): Promise<{ trainer: Trainer; weights: Map<string, Float32Array>; parallel: boolean }> => {
      const { dataset, graph } = await flights();
      const trainer = new Trainer(tf, graph, { epochs: 2, batch: 512, seed: 4, shuffle: 0 });
      if (threads > 1) await trainer.startWorker('wasm');
      await trainer.fit(dataset, () => undefined);
      const parallel = trainer.parallel;
      await trainer.stopWorker();
      return { trainer, parallel, weights: new Map(trainer.parameters().map((p) => [p.name, Float32Array.from(p.values)])) };
    };
    const one = await weightsAfter(1);
    const two = await weightsAfter(2);
    expect(one.parallel).toBe(false);
    expect(two.parallel).toBe(true);
    let worst = 0;
    for (const [name, w] of one.weights) w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - two.weights.get(name)![i]!))));
    // 20 Adam steps of lr 1e-3 move a weight by up to about 0.02; the two agree far closer than that.
    expect(worst).toBeLessThan(1e-4);
    one.trainer.program.dispose();
    two.trainer.program.dispose();
  }, 120_000);

  test('a sample-weighted loss is not split: the first step finds the halves disagree and stays on one thread', async () => {
    const { tf } = await loadTf('wasm');
    const { dataset, graph } = await flights();
    // Weight the loss by the label itself: the halves' weighted means no longer average to the whole's.
    const bce = graph.nodes.find((n) => n.op === 'binary_cross_entropy')!;
    const label = graph.nodes[bce.inputs[1]!]!;
    const weighted = graph.nodes.map((n) =>
      n.op === 'mul' && n.inputs[0] === bce.id && graph.nodes[n.inputs[1]!]!.op !== 'binary_cross_entropy'
        ? { ...n, inputs: [bce.id, label.id] }
        : n,
    );
    const trainer = new Trainer(tf, { ...graph, nodes: weighted }, { epochs: 1, batch: 512, seed: 4, shuffle: 0 });
    await trainer.startWorker('wasm');
    await trainer.fit(dataset, () => undefined);
    expect(trainer.parallel).toBe(false);
    await trainer.stopWorker();
    trainer.program.dispose();
  }, 120_000);
});
