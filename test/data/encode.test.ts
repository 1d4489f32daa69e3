import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { RecordBatchReader } from 'apache-arrow';
import { encode } from '../../src/cli/actions/encode.js';
import { pythonHelpers } from '../../src/backends/torch/pythonRuntime.js';
import { Dataset, dataSource, type DataSource } from '../../src/data/dataset.js';
import type { EncodedSpec } from '../../src/data/encodedShards.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { readEncodedSpec } from '../../src/pipeline/encodedShardsFor.js';
import { venvPython } from '../helpers/python.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-encode-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const modelPath = join(repoRoot, 'models', 'flights.bird');
const parts = join(repoRoot, 'test', 'cases', 'columnar', 'parts', 'part-*.parquet');

let fittedRun: Promise<{ run: string; fitted: IrGraph; source: DataSource }> | undefined;

/** A run folder as `bird train` leaves it, as far as `bird encode` reads it: the flights model fitted on its sample. */
function flightsRun(): Promise<{ run: string; fitted: IrGraph; source: DataSource }> {
  fittedRun ??= (async () => {
    const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
    const source = dataSource(graph.train!.settings['data'], modelPath)!;
    const fitted = await new Dataset(graph, source).fit();
    const run = join(work, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'ir.json'), JSON.stringify(fitted));
    writeFileSync(join(run, 'config.json'), JSON.stringify({ model: 'DelayMlp', data: source }));
    return { run, fitted, source };
  })();
  return fittedRun;
}

describe('bird encode', () => {
  test('one Arrow IPC shard per Parquet file, holding the batches Bird would train on', async () => {
    const { run, fitted, source } = await flightsRun();
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

  test('map tasks writing into one folder (--part): each lists its shards in encoded.PART.json, read back as one list in name order, by Bird and by the PyTorch script', async () => {
    const { run } = await flightsRun();
    const out = join(work, 'parts');
    const io = { stdout: () => undefined, stderr: () => undefined };
    const base = { run, out, json: false, color: false };
    // The tasks finish in any order; the list's order is the parts' names.
    expect(await encode({ ...base, data: parts.replace('part-*', 'part-00002'), part: 'b' }, io)).toBe(0);
    expect(await encode({ ...base, data: parts.replace('part-*', 'part-0000[01]'), part: 'a' }, io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'encoded.a.json',
      'encoded.b.json',
      'part-00000.arrows',
      'part-00001.arrows',
      'part-00002.arrows',
    ]);
    const spec = readEncodedSpec(out);
    expect(spec.shards.map((s) => s.file)).toEqual(['part-00000.arrows', 'part-00001.arrows', 'part-00002.arrows']);
    const whole = JSON.parse(readFileSync(join(work, 'encoded', 'encoded.json'), 'utf8')) as EncodedSpec;
    expect({ ...spec, shards: spec.shards.map((s) => s.rows) }).toEqual({ ...whole, shards: whole.shards.map((s) => s.rows) });
    // The generated script's reader (read_spec) lists the same shards in the same order.
    const script = `import json, os, re, struct, sys\nimport numpy as np\n${pythonHelpers}\nprint(json.dumps(read_spec(sys.argv[1])))\n`;
    const py = spawnSync(venvPython(), ['-c', script, out], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(JSON.parse(py.stdout)).toEqual(spec);

    // A task encoding a file another part lists would replace its shard.
    await expect(encode({ ...base, data: parts.replace('part-*', 'part-00001'), part: 'c' }, io)).rejects.toThrow(
      /`.*part-00001.arrows` is listed by `encoded.a.json`, another part of that folder/,
    );
    // The same part again replaces its own list.
    expect(await encode({ ...base, data: parts.replace('part-*', 'part-00002'), part: 'b' }, io)).toBe(0);
    await expect(encode({ ...base, data: parts, part: 'x.y' }, io)).rejects.toThrow(/`--part x.y` is not a part name/);
    // Parts of other fitted transforms, or listing a shard twice: refused, naming the files.
    const b = JSON.parse(readFileSync(join(out, 'encoded.b.json'), 'utf8')) as EncodedSpec;
    writeFileSync(join(out, 'encoded.b.json'), JSON.stringify({ ...b, fitted: 'other' }));
    expect(() => readEncodedSpec(out)).toThrow(
      new RegExp(`\`${join(out, 'encoded.b.json')}\` and \`${join(out, 'encoded.a.json')}\` list shards of different fitted transforms`),
    );
    writeFileSync(join(out, 'encoded.b.json'), JSON.stringify({ ...b, shards: [...b.shards, { file: 'part-00000.arrows', rows: 2000 }] }));
    expect(() => readEncodedSpec(out)).toThrow(/the shard `part-00000.arrows` .* is listed by both `encoded.a.json` and `encoded.b.json`/);
    expect(() => readEncodedSpec(join(work, 'nowhere'))).toThrow(/is not a folder/);
    mkdirSync(join(work, 'empty'));
    expect(() => readEncodedSpec(join(work, 'empty'))).toThrow(/has no `encoded.json` \(nor `encoded.PART.json`\)/);
  });
});
