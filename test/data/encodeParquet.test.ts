/**
 * `bird encode --format parquet`: the same shards as Arrow IPC, read back by the reader the
 * generated PyTorch script uses (`read_shard` of backends/torch/pythonRuntime.ts: numpy for
 * Arrow IPC, pyarrow for Parquet), column by column, on a model with every feature kind
 * (dense values, fixed blocks, ragged ids with and without weights).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { pythonHelpers } from '../../src/backends/torch/pythonRuntime.js';
import { Dataset, type DataSource } from '../../src/data/dataset.js';
import type { EncodedSpec } from '../../src/data/encodedShards.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { encodeRun } from '../../src/pipeline/encodeRun.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';
import { venvPython } from '../helpers/python.js';

const work = mkdtempSync(join(tmpdir(), 'bird-encode-parquet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const kinds = join(repoRoot, 'test', 'cases', 'onnx', 'kinds');

/** A run folder as `bird train` leaves it, as far as `bird encode` reads it: the fitted IR and the config. */
async function fittedRun(): Promise<string> {
  const graph = compileModel(checkFile(join(kinds, 'input.bird'), repoRoot).models[0]!).graph;
  const source: DataSource = { kind: 'file', path: join(kinds, 'rows.csv'), split: { kind: 'none' } };
  const run = join(work, 'run');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'ir.json'), JSON.stringify(await new Dataset(graph, source).fit()));
  writeFileSync(join(run, 'config.json'), JSON.stringify({ model: graph.model, data: source }));
  return run;
}

/** Python that defines the script's shard readers without PyTorch (they need numpy, and pyarrow for Parquet). */
const readers = `import json, math, os, re, struct, sys\nimport numpy as np\n${pythonHelpers}\n`;

describe('bird encode --format parquet', () => {
  test('the Parquet shard reads back, through the PyTorch script reader, equal to the Arrow IPC shard', async () => {
    const run = await fittedRun();
    const data = join(kinds, 'rows.csv');
    const files: string[] = [];
    const arrow = await encodeRun(run, { out: join(work, 'arrow'), data });
    const parquet = await encodeRun(run, { out: join(work, 'parquet'), data, format: 'parquet' }, (f) => files.push(f.shard));
    expect(arrow.diagnostics).toEqual([]);
    expect(parquet.diagnostics).toEqual([]);
    expect(files).toEqual([join(work, 'parquet', 'rows.parquet')]);
    const specs = ['arrow', 'parquet'].map((d) => JSON.parse(readFileSync(join(work, d, 'encoded.json'), 'utf8')) as EncodedSpec);
    expect(specs[1]!.shards).toEqual([{ ...specs[0]!.shards[0]!, file: 'rows.parquet' }]);
    expect(specs[1]!.columns).toEqual(specs[0]!.columns);
    const kindsSeen = new Set(specs[0]!.columns.map((c) => `${c.kind}:${c.inner.length > 0}:${c.weighted}`));
    expect([...kindsSeen].sort()).toEqual(['dense:false:false', 'dense:true:false', 'sparse:false:false', 'sparse:false:true']);
    const script = join(work, 'compare.py');
    writeFileSync(
      script,
      `${readers}
spec = json.load(open(sys.argv[1]))
a = read_shard(sys.argv[2], spec["columns"])
b = read_shard(sys.argv[3], spec["columns"])
report = {}
for c in spec["columns"]:
    x, y = a[c["name"]], b[c["name"]]
    if c["kind"] == "dense":
        report[c["name"]] = [bool(x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y)), list(x.shape)]
    else:
        same = all((p is None and q is None) or (p is not None and q is not None and p.dtype == q.dtype and np.array_equal(p, q)) for p, q in zip(x, y))
        report[c["name"]] = [bool(same), int(x[1][-1])]
print(json.dumps(report))
`,
    );
    const r = spawnSync(
      venvPython(),
      [script, join(work, 'arrow', 'encoded.json'), join(work, 'arrow', 'rows.arrows'), join(work, 'parquet', 'rows.parquet')],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Record<string, [boolean, unknown]>;
    expect(Object.keys(report)).toEqual(specs[0]!.columns.map((c) => c.name));
    for (const [name, [same]] of Object.entries(report)) expect([name, same]).toEqual([name, true]);
    // Ragged columns hold ids: the comparison saw some.
    expect(report['tags']![1]).toBeGreaterThan(0);
  }, 60_000);

  test('without pyarrow the script stops with a message naming the file and the way out', () => {
    const script = join(work, 'nopyarrow.py');
    writeFileSync(script, `${readers}\nsys.modules["pyarrow"] = None\nread_shard(sys.argv[1], [])\n`);
    const r = spawnSync(venvPython(), [script, join(work, 'x.parquet')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('x.parquet: reading Parquet shards needs pyarrow (pip install pyarrow); or encode them as Arrow IPC');
  });

  test('Parquet shards of Parquet inputs encoded into the inputs folder would replace them: a usage error', async () => {
    const run = await fittedRun();
    const parts = join(repoRoot, 'test', 'cases', 'columnar', 'parts');
    await expect(encodeRun(run, { out: parts, data: join(parts, 'part-*.parquet'), format: 'parquet' })).rejects.toThrow(
      /would replace its input file/,
    );
  });
});
