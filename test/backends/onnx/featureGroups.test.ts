/**
 * Feature groups (`continuous(columns: [...])`, `continuous(n: 3, columns: "px_*")`): one
 * `f32[B, n]` tensor, statistics fitted per column (checked against the rows by hand), the
 * fitted IR against its golden, the signature taking the group as a vector with its columns
 * named, ONNX Runtime against TF.js on raw rows with missing values, and a pattern that does
 * not fit the header as BIRD7040.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { DataError } from '../../../src/data/dataError.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { renderDiagnostics } from '../../../src/diagnostics/renderDiagnostic.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { printIr } from '../../../src/ir/printIr.js';
import { expectGolden } from '../../helpers/golden.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';
import { expectParity, firstRows, modelParity } from './modelParity.js';
import { checkModels, randomWeights, tolerance } from './onnxTestHelpers.js';

const caseDir = join(repoRoot, 'test', 'cases', 'onnx', 'groups');

async function fitted(path = join(caseDir, 'input.bird'), dir = caseDir): Promise<IrGraph> {
  const checked = checkFile(path, dir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const graph = compileModel(checked.models[0]!).graph;
  return new Dataset(graph, dataSource(graph.train?.settings['data'], path)!).fit();
}

/** The training rows' present values of a column (`holdout(every: 4)` holds out rows 3, 7, ...). */
function trainColumn(name: string): number[] {
  const [header, ...lines] = readFileSync(join(caseDir, 'rows.csv'), 'utf8').trim().split('\n');
  const at = header!.split(',').indexOf(name);
  return lines
    .filter((_, i) => i % 4 !== 3)
    .map((l) => l.split(',')[at]!)
    .filter((v) => v !== '')
    .map(Number);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

const args = (graph: IrGraph, feature: string, op: string): Record<string, unknown> =>
  graph.features.find((f) => f.name === feature)!.transforms.find((t) => t.op === op)!.args;

describe('feature groups', () => {
  test('each column gets its own fitted statistic, computed here from the training rows', async () => {
    const graph = await fitted();
    // `zscore` fitted on each column's present values, then the median of the z-scores: the z-score of the median.
    const z = args(graph, 'vitals', 'zscore');
    ['hr', 'bp', 'temp'].forEach((c, j) => {
      const xs = trainColumn(c);
      const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / xs.length);
      expect((z['mean'] as number[])[j]).toBeCloseTo(mean, 9);
      expect((z['std'] as number[])[j]).toBeCloseTo(std, 9);
      expect((args(graph, 'vitals', 'impute')['value'] as number[])[j]).toBeCloseTo((median(xs) - mean) / std, 9);
    });
    // The pattern's columns in header order, with a missing value read as the default 0 before log1p.
    const pixels = graph.features.find((f) => f.name === 'pixels')!;
    expect(pixels.args['columns']).toEqual(['px_a', 'px_b', 'px_c']);
    const lines = readFileSync(join(caseDir, 'rows.csv'), 'utf8').trim().split('\n').slice(1);
    const zscore = args(graph, 'pixels', 'zscore');
    ['px_a', 'px_b', 'px_c'].forEach((c, j) => {
      const values = lines.filter((_, i) => i % 4 !== 3).map((l) => Math.log1p(Number(l.split(',')[3 + j]! || 0)));
      const mean = values.reduce((p, q) => p + q, 0) / values.length;
      const std = Math.sqrt(values.reduce((p, q) => p + (q - mean) ** 2, 0) / values.length);
      expect((zscore['mean'] as number[])[j]).toBeCloseTo(mean, 9);
      expect((zscore['std'] as number[])[j]).toBeCloseTo(std, 9);
    });
    // A one-column feature keeps single numbers.
    expect(typeof args(graph, 'age', 'zscore')['mean']).toBe('number');
  });

  test('the fitted IR matches its golden: resolved columns, and lists of statistics in the nodes too', async () => {
    // Source spans name the checkout's absolute path: print them relative to the repository.
    expectGolden(join(caseDir, 'fitted.ir.txt'), printIr(await fitted()).replaceAll(`"${repoRoot}/`, '"'));
  });

  test('a batch holds the group as f32[B, n]: the filled values, then an indicator per column', async () => {
    const path = join(caseDir, 'input.bird');
    const graph = compileModel(checkFile(path, caseDir).models[0]!).graph;
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], path)!);
    const fit = await dataset.fit();
    const fill = args(fit, 'vitals', 'impute')['value'] as number[];
    const z = args(fit, 'vitals', 'zscore');
    const scaled = (v: string, j: number): number => (Number(v) - (z['mean'] as number[])[j]!) / (z['std'] as number[])[j]!;
    const rows = readFileSync(join(caseDir, 'rows.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .filter((_, i) => i % 4 === 3);
    const batch = (await dataset.batches('test', 100).next()).value!;
    const vitals = batch.columns.get('vitals')!;
    expect(vitals.kind === 'dense' && vitals.shape).toEqual([rows.length, 6]);
    const data = vitals.kind === 'dense' ? Array.from(vitals.data) : [];
    rows.forEach((r, i) => {
      const raw = r.split(',').slice(0, 3);
      raw.forEach((v, j) => {
        expect(data[6 * i + 3 + j]).toBe(v === '' ? 1 : 0);
        expect(data[6 * i + j]).toBeCloseTo(v === '' ? fill[j]! : scaled(v, j), 5);
      });
    });
  });

  test('the signature takes each group as float32 [batch, n] and names its columns', async () => {
    const graph = await fitted();
    const [serve] = exportSignatures(graph, randomWeights(graph, 3));
    expect(serve!.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}] ${JSON.stringify(i.columns ?? null)}`)).toEqual([
      'vitals float32[batch, 3] ["hr","bp","temp"]',
      'pixels float32[batch, 3] ["px_a","px_b","px_c"]',
      'age float32[batch] null',
    ]);
    checkModels('groups', [serve!]);
  });

  test(`raw rows with missing values agree between ONNX Runtime and TF.js within ${tolerance.abs} abs + ${tolerance.rel} rel`, async () => {
    const graph = await fitted();
    const rows = await firstRows(join(caseDir, 'rows.csv'), 100);
    expect(rows.filter((r) => Object.values(r).includes('')).length).toBeGreaterThan(10);
    expectParity(await modelParity(graph, rows, 5), `over ${rows.length} rows`);
  }, 60_000);

  test.each([
    ['no-match', '"pz_*"', 3],
    ['wrong-size', '"px_*"', 2],
    ['taken', '"*e"', 2],
  ])('a pattern that does not fit the header is BIRD7040 (%s)', async (name, pattern, n) => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-groups-'));
    copyFileSync(join(caseDir, 'rows.csv'), join(dir, 'rows.csv'));
    const text = readFileSync(join(caseDir, 'input.bird'), 'utf8').replace('n: 3, columns: "px_*"', `n: ${n}, columns: ${pattern}`);
    writeFileSync(join(dir, 'input.bird'), text);
    const error = await fitted(join(dir, 'input.bird'), dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    const shown = renderDiagnostics([(error as DataError).diagnostic], { color: false }).replaceAll(dir + '/', '');
    expectGolden(join(caseDir, `${name}.errors.txt`), shown);
  });
});
