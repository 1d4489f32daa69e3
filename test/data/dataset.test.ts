import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { verifyIr } from '../../src/ir/verify.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

const modelPath = join(repoRoot, 'models', 'flights.bird');
const sample = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');

function flightsGraph() {
  const result = checkFile(modelPath, repoRoot);
  return compileModel(result.models[0]!).graph;
}

describe('the flights dataset', () => {
  test('reads the data setting: file, stride split, paths relative to the model', () => {
    const graph = flightsGraph();
    expect(dataSource(graph.train?.settings['data'], modelPath)).toEqual({
      kind: 'file',
      path: sample,
      split: { kind: 'stride', every: 6, offset: 5 },
    });
  });

  test('fits on the training rows, stores the statistics in the IR, and batches both parts', async () => {
    const graph = flightsGraph();
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!);
    const fitted = await dataset.fit();
    expect(verifyIr(fitted, { inlined: true })).toEqual([]);
    const distance = fitted.features.find((f) => f.name === 'distance')!.transforms[1]!.args;
    expect(distance['mean']).toBeGreaterThan(5);
    expect(distance['mean']).toBeLessThan(8);
    expect(distance['std']).toBeGreaterThan(0.3);
    const origins = fitted.features.find((f) => f.name === 'origin')!.transforms[0]!.args['vocabulary'] as string[];
    expect(origins.length).toBeGreaterThan(50);
    expect(origins.length).toBeLessThanOrEqual(300);
    const zscoreNode = fitted.nodes.find((n) => n.op === 'zscore')!;
    expect(zscoreNode.attrs['mean']).toBe(distance['mean']);

    let train = 0;
    let test = 0;
    let first;
    for await (const b of dataset.batches('train', 512)) {
      first ??= b;
      train += b.size;
    }
    for await (const b of dataset.batches('test', 512)) test += b.size;
    expect(train).toBe(5000);
    expect(test).toBe(1000);
    expect(first!.size).toBe(512);
    const hour = first!.columns.get('hour')!;
    expect(hour).toMatchObject({ kind: 'dense', dtype: 'i32', shape: [512] });
    const d = first!.columns.get('distance')!;
    expect(d).toMatchObject({ kind: 'dense', dtype: 'f32', shape: [512, 1] });
    const label = first!.columns.get('label_delayed15')!;
    expect(label.kind === 'dense' && [...label.data].every((x) => x === 0 || x === 1)).toBe(true);
    const origin = first!.columns.get('origin')!;
    expect(origin.kind === 'dense' && [...origin.data].every((x) => x >= 0 && x < 302)).toBe(true);
  });

  test('a seeded shuffle buffer gives the same order twice and a different order from the file', async () => {
    const graph = flightsGraph();
    const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath, sample)!);
    await dataset.fit();
    const hours = async (options: { shuffle?: number; seed?: number }): Promise<number[]> => {
      for await (const b of dataset.batches('train', 256, options)) {
        const c = b.columns.get('hour')!;
        if (c.kind !== 'dense') throw new Error(`hour is a ${c.kind} column`);
        return [...c.data];
      }
      return [];
    };
    const a = await hours({ shuffle: 2000, seed: 3 });
    expect(await hours({ shuffle: 2000, seed: 3 })).toEqual(a);
    expect(await hours({})).not.toEqual(a);
  });
});
