import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { RecordBatchReader } from 'apache-arrow';
import { encode } from '../../src/cli/actions/encode.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import type { EncodedSpec } from '../../src/data/encodedShards.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-encode-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const modelPath = join(repoRoot, 'models', 'flights.bird');
const parts = join(repoRoot, 'test', 'cases', 'columnar', 'parts', 'part-*.parquet');

describe('bird encode', () => {
  test('one Arrow IPC shard per Parquet file, holding the batches Bird would train on', async () => {
    const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
    const source = dataSource(graph.train!.settings['data'], modelPath)!;
    const fitted = await new Dataset(graph, source).fit();
    const run = join(work, 'run');
    rmSync(run, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(run);
    writeFileSync(join(run, 'ir.json'), JSON.stringify(fitted));
    writeFileSync(join(run, 'config.json'), JSON.stringify({ model: 'DelayMlp', data: source }));
    let stderr = '';
    const code = await encode(
      { run, out: join(work, 'encoded'), data: parts, json: false, color: false },
      { stdout: () => undefined, stderr: (t) => void (stderr += t) },
    );
    expect(stderr).toContain('part-00002.parquet: 2000 rows');
    expect(code).toBe(0);
    const spec = JSON.parse(readFileSync(join(work, 'encoded', 'encoded.json'), 'utf8')) as EncodedSpec;
    expect(spec.shards.map((s) => [s.file, s.rows])).toEqual([
      ['part-00000.arrows', 2000],
      ['part-00001.arrows', 2000],
      ['part-00002.arrows', 2000],
    ]);
    // Shard 1 against the CSV sample's rows 2,000 to 3,999, encoded by the run's transforms.
    const csv = new Dataset(fitted, { kind: 'file', path: source.kind === 'file' ? source.path : '', split: { kind: 'none' } });
    let second;
    let k = 0;
    for await (const b of csv.batches('train', 2000)) if (k++ === 1) second = b;
    const handle = await open(join(work, 'encoded', 'part-00001.arrows'));
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    const route: number[] = [];
    const distance: number[] = [];
    for await (const batch of reader) {
      route.push(...(batch.getChild('route')!.toArray() as Int32Array));
      for (const v of batch.getChild('distance')!) distance.push(...(v as { toArray(): Float32Array }).toArray());
    }
    await handle.close();
    const want = second!.columns;
    expect(route).toEqual(Array.from((want.get('route') as { data: Int32Array }).data));
    expect(distance).toEqual(Array.from((want.get('distance') as { data: Float32Array }).data));
    expect(new Set(route).size).toBeGreaterThan(100);
  });
});
