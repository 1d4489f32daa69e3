import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { loadTf } from '../../src/backends/tfjs/loadTf.js';
import { Dataset, dataSource, keepsNegative } from '../../src/data/dataset.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { verifyIr } from '../../src/ir/verify.js';
import { Trainer } from '../../src/train/trainer.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

const sample = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');
const rate = 0.25;

/** models/flights.bird with its label downsampled, reading the bundled sample; `logits`: trained by `bce_with_logits` on an output `logit`. */
function downsampledFlights(logits = false): IrGraph {
  let text = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8');
  if (logits)
    text = text
      .replace('import std.loss { bce }', 'import std.loss { bce_with_logits }')
      .replace('out p_delayed = sigmoid(dense(h, 1))', 'z = dense(h, 1)\n  out logit = z\n  out p_delayed = sigmoid(z)')
      .replace('loss = bce(p_delayed,', 'loss = bce_with_logits(logit,');
  text = text
    .replace('label_delayed15 : binary', `label_delayed15 : binary(downsample_neg: ${rate})`)
    .replace('"data/flights_sample.csv.gz"', JSON.stringify(sample));
  const dir = mkdtempSync(join(tmpdir(), 'bird-ds-'));
  writeFileSync(join(dir, 'm.bird'), text);
  const checked = checkFile(join(dir, 'm.bird'), dir);
  expect(renderDiagnostics(checked.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
  return compileModel(checked.models[0]!).graph;
}

describe('negative downsampling', () => {
  test('the training part keeps every positive and the hashed fraction of negatives; the holdout keeps all', async () => {
    const graph = downsampledFlights();
    const dataset = new Dataset(graph, dataSource(graph.train!.settings['data'], join(repoRoot, 'models', 'm.bird'))!);
    await dataset.fit();
    const rows = gunzipSync(readFileSync(sample)).toString('utf8').trim().split('\n').slice(1);
    const label = (line: string): number => Number(line.split(',').at(-1));
    const train = rows.map((l, i) => ({ l, i })).filter(({ i }) => i % 6 !== 5);
    const positives = train.filter(({ l }) => label(l) === 1).length;
    const keptNegatives = train.filter(({ l, i }) => label(l) === 0 && keepsNegative(i, rate)).length;
    expect(dataset.trainRows).toBe(positives + keptNegatives);
    expect(dataset.downsampled).toEqual({ negatives: train.length - positives, dropped: train.length - positives - keptNegatives });
    // The hash keeps close to the declared fraction.
    expect(keptNegatives / (train.length - positives)).toBeGreaterThan(rate - 0.03);
    expect(keptNegatives / (train.length - positives)).toBeLessThan(rate + 0.03);
    const test_ = await dataset.encode('test');
    expect(test_.size).toBe(rows.length / 6);
  }, 60_000);

  test('outputs and metrics read p / (p + (1 - p) / r) of the prediction the loss trains', async () => {
    const graph = downsampledFlights();
    expect(verifyIr(graph, { inlined: true })).toEqual([]);
    const bce = graph.nodes.find((n) => n.op === 'binary_cross_entropy' && graph.nodes[n.inputs[1]!]!.op === 'input')!;
    const raw = bce.inputs[0]!;
    const output = graph.outputs.find((o) => o.name === 'p_delayed')!.node;
    expect(output).not.toBe(raw);
    const dataset = new Dataset(graph, dataSource(graph.train!.settings['data'], join(repoRoot, 'models', 'm.bird'))!);
    const fitted = await dataset.fit();
    const { tf } = await loadTf('cpu');
    const trainer = new Trainer(tf, fitted, { epochs: 1, batch: 256, seed: 3, shuffle: 0 });
    const batch = (await dataset.encode('test')).batches(256).next().value!;
    for await (const r of trainer.predict([batch], [raw, output])) {
      const [pr, out] = r.values;
      for (let i = 0; i < r.size; i++) {
        const expected = pr!.data[i]! / (pr!.data[i]! + (1 - pr!.data[i]!) / rate);
        expect(Math.abs(out!.data[i]! - expected)).toBeLessThan(1e-6);
      }
      expect(out!.data.every((x, i) => x < pr!.data[i]!)).toBe(true);
    }
    // Metrics read the corrected prediction, the loss the raw one.
    const consumers = (id: number): string[] => fitted.nodes.filter((n) => n.inputs.includes(id)).map((n) => n.op);
    expect(consumers(raw)).toContain('binary_cross_entropy');
    expect(consumers(output)).toEqual(expect.arrayContaining(['metric_auc', 'binary_cross_entropy']));
    trainer.program.dispose();
  }, 60_000);

  test('a loss on logits: outputs read the logit plus log(r), so sigmoid of it is p / (p + (1 - p) / r)', async () => {
    const graph = downsampledFlights(true);
    expect(verifyIr(graph, { inlined: true })).toEqual([]);
    const loss = graph.nodes.find((n) => n.op === 'sigmoid_cross_entropy' && graph.nodes[n.inputs[1]!]!.op === 'input')!;
    const raw = loss.inputs[0]!;
    const logit = graph.outputs.find((o) => o.name === 'logit')!.node;
    const p = graph.outputs.find((o) => o.name === 'p_delayed')!.node;
    expect(logit).not.toBe(raw);
    const dataset = new Dataset(graph, dataSource(graph.train!.settings['data'], join(repoRoot, 'models', 'm.bird'))!);
    const fitted = await dataset.fit();
    const { tf } = await loadTf('cpu');
    const trainer = new Trainer(tf, fitted, { epochs: 1, batch: 256, seed: 3, shuffle: 0 });
    const batch = (await dataset.encode('test')).batches(256).next().value!;
    for await (const r of trainer.predict([batch], [raw, logit, p])) {
      const [z, zc, pc] = r.values;
      for (let i = 0; i < r.size; i++) {
        expect(Math.abs(zc!.data[i]! - (z!.data[i]! + Math.log(rate)))).toBeLessThan(1e-5);
        const q = 1 / (1 + Math.exp(-z!.data[i]!));
        expect(Math.abs(pc!.data[i]! - q / (q + (1 - q) / rate))).toBeLessThan(1e-6);
      }
    }
    const consumers = (id: number): string[] => fitted.nodes.filter((n) => n.inputs.includes(id)).map((n) => n.op);
    expect(consumers(raw)).toContain('sigmoid_cross_entropy');
    expect(consumers(raw)).not.toContain('sigmoid');
    trainer.program.dispose();
  }, 60_000);

  test('a model without downsampled labels compiles to the same IR as before the pass', () => {
    const checked = checkFile(join(repoRoot, 'models', 'flights.bird'), repoRoot);
    const graph = compileModel(checked.models[0]!).graph;
    expect(graph.nodes.filter((n) => n.op === 'binary_cross_entropy').every((n) => graph.outputs.some((o) => o.node === n.inputs[0]))).toBe(
      true,
    );
  });
});
