import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { checkModels, randomWeights, tolerance } from './onnxTestHelpers.js';

const caseDir = join(repoRoot, 'test', 'cases', 'onnx', 'missing');

async function missingModel(): Promise<IrGraph> {
  const path = join(caseDir, 'input.bird');
  const checked = checkFile(path, caseDir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const graph = compileModel(checked.models[0]!).graph;
  return new Dataset(graph, dataSource(graph.train?.settings['data'], path)!).fit();
}

/** The training rows' present values of a column (`holdout(every: 4)` holds out rows 3, 7, ...), computed here by hand. */
function trainColumn(name: string): number[] {
  const [header, ...lines] = readFileSync(join(caseDir, 'rows.csv'), 'utf8').trim().split('\n');
  const at = header!.split(',').indexOf(name);
  return lines
    .filter((_, i) => i % 4 !== 3)
    .map((l) => l.split(',')[at]!)
    .filter((v) => v !== '')
    .map(Number);
}

const fitted = (graph: IrGraph, feature: string): Record<string, unknown> =>
  graph.features.find((f) => f.name === feature)!.transforms.find((t) => t.op === 'impute')!.args;

describe('missing values: fitted imputation and missing indicators', () => {
  test('statistics are fitted on the training rows present, after the transforms before `impute`', async () => {
    const graph = await missingModel();
    const ages = trainColumn('age').sort((a, b) => a - b);
    const h = ages.length >> 1;
    expect(fitted(graph, 'age')['value']).toBe(ages.length % 2 ? ages[h] : (ages[h - 1]! + ages[h]!) / 2);
    // `age` is z-scored after imputation: the fill value counts in the mean.
    const ageZ = graph.features.find((f) => f.name === 'age')!.transforms[1]!.args;
    expect(ageZ['mean']).not.toBeCloseTo(ages.reduce((p, q) => p + q, 0) / ages.length, 6);
    const kids = trainColumn('kids');
    const counts = new Map<number, number>();
    kids.forEach((k) => counts.set(k, (counts.get(k) ?? 0) + 1));
    const mode = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    expect(fitted(graph, 'kids')['value']).toBe(mode);
    expect(fitted(graph, 'score')['value']).toBe(-1);
    // log1p |> zscore fitted on the present values only, so the mean fill of the z-scores is 0, not the z-score of 0.
    const logs = trainColumn('income').map(Math.log1p);
    const mean = logs.reduce((p, q) => p + q, 0) / logs.length;
    expect(graph.features.find((f) => f.name === 'income')!.transforms[1]!.args['mean']).toBeCloseTo(mean, 9);
    expect(fitted(graph, 'income')['value']).toBeCloseTo(0, 9);
    // The same value sits in the IR node the ONNX export reads.
    const node = graph.nodes.find((n) => n.op === 'impute' && n.attrs['strategy'] === 'median')!;
    expect(node.attrs['value']).toBe(fitted(graph, 'age')['value']);
  });

  test('a batch carries the filled value and an indicator that is 1 exactly where the value was missing', async () => {
    const graph = await missingModel();
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], join(caseDir, 'input.bird'))!);
    const fittedGraph = await dataset.fit();
    const rows = readFileSync(join(caseDir, 'rows.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((_, i) => i % 4 === 3);
    const batch = (await dataset.batches('test', 100).next()).value!;
    const income = batch.columns.get('income')!;
    expect(income.kind === 'dense' && income.shape).toEqual([rows.length, 2]);
    const data = income.kind === 'dense' ? Array.from(income.data) : [];
    rows.forEach((r, i) => {
      const missing = r.split(',')[0] === '';
      expect(data[2 * i + 1]).toBe(missing ? 1 : 0);
      if (missing) expect(data[2 * i]).toBeCloseTo(Number(fitted(fittedGraph, 'income')['value']), 6);
    });
  });

  test('the signature takes NaN for a missing number and fills it in the graph; no default is substituted first', async () => {
    const graph = await missingModel();
    const [serve] = exportSignatures(graph, randomWeights(graph, 3));
    expect(serve!.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}] default=${JSON.stringify(i.default)}`)).toEqual([
      'income float32[batch] default=null',
      'age float32[batch] default=null',
      'kids float32[batch] default=null',
      'score float32[batch] default=null',
      'owner float32[batch] default=null',
    ]);
    checkModels('missing', [serve!]);
  });

  test(`raw rows with missing values agree between ONNX Runtime and TF.js within ${tolerance.abs} abs + ${tolerance.rel} rel`, async () => {
    const graph = await missingModel();
    const rows = await firstRows(join(caseDir, 'rows.csv'), 100);
    expect(rows.filter((r) => Object.values(r).includes('')).length).toBeGreaterThan(10);
    expectParity(await modelParity(graph, rows, 11), `over ${rows.length} rows`);
  }, 60_000);
});
