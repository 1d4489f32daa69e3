import { join, relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { clientRows } from '../../src/data/clientRows.js';
import { dataFiles } from '../../src/data/dataFiles.js';
import { Dataset, dataSource, type DataSource } from '../../src/data/dataset.js';
import { DataError } from '../../src/data/dataError.js';
import { readRows } from '../../src/data/readRows.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { Batch } from '../../src/ir/batch.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

// Fixtures made from models/data/flights_sample.csv.gz by test/cases/columnar/make.py.
const dir = join(repoRoot, 'test', 'cases', 'columnar');
const modelPath = join(repoRoot, 'models', 'flights.bird');
const sample = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');

function flightsGraph() {
  return compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
}

/** Every batch of a part, fitted on the source's own training rows. */
async function readAll(source: DataSource) {
  const dataset = new Dataset(flightsGraph(), source);
  const fitted = await dataset.fit();
  const parts: Record<string, Batch[]> = { train: [], test: [] };
  for (const part of ['train', 'test'] as const) for await (const b of dataset.batches(part, 700)) parts[part]!.push(b);
  return { features: fitted.features, parts };
}

function plainBatches(batches: Batch[]) {
  return batches.map((b) =>
    Object.fromEntries([...b.columns].map(([k, c]) => [k, c.kind === 'dense' ? Array.from(c.data) : Array.from(c.ids)])),
  );
}

describe('columnar files and globs', () => {
  test('a glob matches files in path order, relative as written', async () => {
    const files = await dataFiles(join(dir, 'parts', 'part-*.parquet'));
    expect(files.map((f) => relative(dir, f))).toEqual([
      'parts/part-00000.parquet',
      'parts/part-00001.parquet',
      'parts/part-00002.parquet',
    ]);
    await expect(dataFiles(join(dir, 'parts', 'nothing-*.parquet'))).rejects.toThrow(DataError);
  });

  test("three Parquet parts read through a glob give the CSV file's fit, split and batches exactly", async () => {
    const split = { kind: 'stride', every: 6, offset: 5 } as const;
    const csv = await readAll({ kind: 'file', path: sample, split });
    const parquet = await readAll({ kind: 'file', path: join(dir, 'parts', 'part-*.parquet'), split, format: 'parquet' });
    expect(parquet.features).toEqual(csv.features);
    expect(parquet.parts['train']!.reduce((n, b) => n + b.size, 0)).toBe(5000);
    expect(plainBatches(parquet.parts['test']!)).toEqual(plainBatches(csv.parts['test']!));
    expect(plainBatches(parquet.parts['train']!)).toEqual(plainBatches(csv.parts['train']!));
  });

  test("a glob's holdout rows as a client holds them (export's golden rows and comparisons) are the CSV file's", async () => {
    // Before, clientRows read the pattern as one path: BIRD7001 for `part-*.parquet` (issue 16, bench torch-flights).
    const split = { kind: 'stride', every: 6, offset: 5 } as const;
    const features = flightsGraph().features.filter((f) => f.role === 'feature');
    const check = { features, bad: 'skip' } as const;
    const glob = { kind: 'file', path: join(dir, 'parts', 'part-*.parquet'), split, format: 'parquet' } as const;
    // 2,000 rows a part: the holdout rows (every sixth, counted across the parts) come from all three.
    const parquet = await clientRows(glob, 2000, 'test', check);
    const csv = await clientRows({ kind: 'file', path: sample, split }, 2000, 'test', check);
    expect(parquet).toHaveLength(1000);
    const columns = ['hour', 'dayofweek', 'month', 'distance', 'origin', 'destination', 'route'];
    const pick = (rows: typeof csv) => rows.map((r) => columns.map((c) => r[c]));
    expect(pick(parquet)).toEqual(pick(csv));
    // The unsplit form reads every file of the glob too (bird verify --data with a glob).
    expect(await clientRows(join(dir, 'parts', 'part-*.parquet'), 6000)).toHaveLength(6000);
  });

  test('parquet(...) in a train section names the format and keeps the glob', () => {
    const setting = {
      fn: 'parquet',
      positional: ['events/part-*.parquet'],
      args: { split: { fn: 'holdout', args: { fraction: 0.1, key: 'route' } } },
    };
    expect(dataSource(setting, '/lake/model.bird')).toEqual({
      kind: 'file',
      path: '/lake/events/part-*.parquet',
      split: { kind: 'hash', key: 'route', fraction: 0.1 },
      format: 'parquet',
    });
  });

  test('Parquet projection reads only the columns asked for; Arrow IPC rows match the CSV rows', async () => {
    const projected = [];
    for await (const row of readRows(join(dir, 'parts', 'part-00001.parquet'), 'parquet', ['route', 'hour'])) projected.push(row);
    expect(projected).toHaveLength(2000);
    expect([...projected[0]!.values.keys()]).toEqual(['route', 'hour']);
    const csvRows = [];
    for await (const row of readRows(sample)) if (csvRows.length < 1000) csvRows.push(row);
    let i = 0;
    for await (const row of readRows(join(dir, 'flights.arrow'))) {
      const want = csvRows[i++]!;
      for (const column of ['hour', 'distance', 'origin', 'route', 'label_delayed15'])
        expect(String(row.values.get(column))).toBe(want.values.get(column));
      // Times read as DuckDB shows Parquet's: `YYYY-MM-DD HH:MM:SS`, so `by_date` splits agree.
      expect(row.values.get('date')).toBe(`${String(want.values.get('date'))}:00`);
    }
    expect(i).toBe(1000);
  });

  test("a column the model reads and the file lacks is BIRD7003, listing the file's columns", async () => {
    const read = async () => {
      for await (const row of readRows(join(dir, 'no_route.parquet'), 'parquet', ['hour', 'route'])) void row;
    };
    await expect(read()).rejects.toMatchObject({ diagnostic: { code: 'BIRD7003', help: expect.stringContaining('`destination`') } });
    const notParquet = async () => {
      for await (const row of readRows(join(dir, 'make.py'), 'parquet')) void row;
    };
    await expect(notParquet()).rejects.toMatchObject({ diagnostic: { code: 'BIRD7001' } });
  });
});
