// The artifact is language-agnostic: test/artifact/client/no_bird_client.mjs, which
// imports nothing of Bird, ports the hash, encodes raw rows and reproduces vectors.json;
// and the Python client of docs/artifacts.md does too, where Python has onnxruntime.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sha256Hex } from '../../src/artifact/assembleArtifact.js';
import { venvPython } from '../helpers/python.js';
import { describeHashFunction } from '../../src/artifact/hashFunctionSpec.js';
import type { ArtifactManifest } from '../../src/artifact/manifest.js';
import { encodeVectorTensor, type GoldenVectors, type SignatureVectors, type VectorTensor } from '../../src/artifact/vectors.js';
import { writeArtifact } from '../../src/artifact/writeArtifact.js';
import type { ExportedSignature } from '../../src/backends/onnx/exportedSignature.js';
import { exportSignatures } from '../../src/backends/onnx/exportSignatures.js';
import { OnnxSession } from '../../src/backends/onnx/runOnnx.js';
import { Dataset, dataSource } from '../../src/data/dataset.js';
import { birdHashSeed, hashBucket } from '../../src/data/hashBucket.js';
import { murmur3x86_32 } from '../../src/ops/murmur3.js';
import { readRows } from '../../src/data/readRows.js';
import { compileModel } from '../../src/ir/compileModel.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { clientFeeds, type ClientRow } from '../backends/onnx/clientFeeds.js';
import { randomWeights } from '../backends/onnx/onnxTestHelpers.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';
import { tokenizeText, tokenizerOptions } from '../../src/ops/textTokens.js';

const client = join(repoRoot, 'test', 'artifact', 'client', 'no_bird_client.mjs');

async function fitted(modelPath: string): Promise<IrGraph> {
  const checked = checkFile(modelPath, repoRoot);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const graph = compileModel(checked.models[0]!).graph;
  return new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!).fit();
}

async function csvRows(path: string, count: number): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for await (const row of readRows(path)) {
    rows.push(Object.fromEntries([...row.values].map(([k, v]) => [k, String(v ?? '')])));
    if (rows.length === count) break;
  }
  return rows;
}

function writeCsv(path: string, rows: readonly Record<string, string>[]): void {
  const columns = Object.keys(rows[0]!);
  const quote = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync(path, [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n');
}

/** Golden vectors of each signature from raw rows, encoded by Bird's own client helper (Bird's hash and tokenizer). */
async function goldenVectors(signatures: readonly ExportedSignature[], rows: readonly ClientRow[]): Promise<GoldenVectors> {
  const result: Record<string, SignatureVectors> = {};
  for (const s of signatures) {
    const feeds = clientFeeds(s.inputs, rows);
    const session = await OnnxSession.load(s.onnx);
    try {
      const out = await session.run(feeds);
      const tensors = (values: typeof out): Record<string, VectorTensor> =>
        Object.fromEntries(
          Object.entries(values).map(([name, v]) => [
            name,
            encodeVectorTensor(v.dtype, v.dims, v.data as Float32Array | BigInt64Array | readonly string[]),
          ]),
        );
      result[s.name] = { inputs: tensors(feeds), outputs: tensors(out) };
    } finally {
      await session.release();
    }
  }
  return { tolerance: { abs: 1e-5, rel: 1e-4 }, signatures: result };
}

/** An artifact of a fitted model with random weights, whose golden vectors are `rows`, also written to `<root>/<model>.rows.csv`. */
async function buildArtifact(
  root: string,
  graph: IrGraph,
  rows: readonly Record<string, string>[],
  dataFile: string,
): Promise<{ dir: string; rowsFile: string; signatures: ExportedSignature[] }> {
  const weights = randomWeights(graph, 11);
  const signatures = exportSignatures(graph, weights, { producerVersion: '0.1.0' });
  const bytes = readFileSync(dataFile);
  const dir = writeArtifact(root, {
    version: '1.0.0',
    birdVersion: '0.1.0',
    graph,
    signatures,
    weights: [...weights].map(([name, values]) => ({
      name,
      shape: graph.nodes.find((n) => n.op === 'param' && n.attrs['name'] === name)!.attrs['shape'] as number[],
      values,
    })),
    vectors: await goldenVectors(signatures, rows),
    hash: describeHashFunction({ seed: birdHashSeed, murmur3: murmur3x86_32, bucket: hashBucket }),
    data: {
      files: [{ path: dataFile.slice(repoRoot.length + 1), bytes: statSync(dataFile).size, sha256: sha256Hex(bytes) }],
      rows: { train: 0, eval: 0 },
    },
    metrics: {},
  });
  const rowsFile = join(root, `${graph.model}.rows.csv`);
  writeCsv(rowsFile, rows);
  return { dir, rowsFile, signatures };
}

/** The Python client of docs/artifacts.md ("Serving with ONNX Runtime"), as written there. */
function pythonClient(): string {
  const doc = readFileSync(join(repoRoot, 'docs', 'artifacts.md'), 'utf8');
  return /```python\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Serving with ONNX Runtime')))![1]!;
}

function runClient(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [client, ...args], { encoding: 'utf8', cwd: tmpdir() });
}

/** A copy of an artifact folder with one JSON file changed. */
function tampered(root: string, dir: string, name: string, file: string, change: (json: Record<string, unknown>) => void): string {
  const copy = join(root, name);
  cpSync(dir, copy, { recursive: true });
  const json = JSON.parse(readFileSync(join(copy, file), 'utf8')) as Record<string, unknown>;
  change(json);
  writeFileSync(join(copy, file), JSON.stringify(json, null, 2));
  return copy;
}

describe('a client without Bird reproduces an artifact', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-no-bird-client-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let flights: { dir: string; rowsFile: string; signatures: ExportedSignature[] };
  let kinds: { dir: string; rowsFile: string; signatures: ExportedSignature[] };
  let text: { dir: string; rowsFile: string; signatures: ExportedSignature[] };
  let groups: { dir: string; rowsFile: string; signatures: ExportedSignature[] };

  beforeAll(async () => {
    // The first rows of the sample, then rows with missing values, unknown airports and text that needs quoting.
    const sample = join(repoRoot, 'models', 'data', 'flights_sample.csv.gz');
    const first = await csvRows(sample, 6);
    const blank = Object.fromEntries(Object.keys(first[0]!).map((c) => [c, '']));
    const extra = [
      { ...blank, dayofweek: '5', month: '6', destination: 'ATL' },
      { ...blank, hour: '23', dayofweek: '7', month: '12', distance: '250', origin: 'XYZ', destination: 'ORD', route: 'XYZ-ORD' },
      { ...blank, hour: '12', dayofweek: '0', month: '0', distance: '1e3', origin: 'Zürich, "ZRH"', destination: '🐦', route: 'π-ORD' },
    ];
    flights = await buildArtifact(root, await fitted(join(repoRoot, 'models', 'flights.bird')), [...first, ...extra], sample);
    // Every encoding and client step: hashed strings, tokens, sparse ids and weights, vocab_hash.
    const kindsRows = join(repoRoot, 'test', 'cases', 'onnx', 'kinds', 'rows.csv');
    kinds = await buildArtifact(
      root,
      await fitted(join(repoRoot, 'test', 'cases', 'onnx', 'kinds', 'input.bird')),
      await csvRows(kindsRows, 100),
      kindsRows,
    );
    // Every option of `tokens` on Unicode, markup, empty and missing text.
    const textRows = join(repoRoot, 'test', 'cases', 'onnx', 'text', 'rows.csv');
    text = await buildArtifact(
      root,
      await fitted(join(repoRoot, 'test', 'cases', 'onnx', 'text', 'input.bird')),
      await csvRows(textRows, 100),
      textRows,
    );
    // Feature groups: a list of columns and a pattern, each one f32[B, n] input read by its `columns`, with missing values.
    const groupRows = join(repoRoot, 'test', 'cases', 'onnx', 'groups', 'rows.csv');
    groups = await buildArtifact(
      root,
      await fitted(join(repoRoot, 'test', 'cases', 'onnx', 'groups', 'input.bird')),
      await csvRows(groupRows, 100),
      groupRows,
    );
  }, 60_000);

  test('the kinds artifact exercises every encoding and client step', () => {
    const inputs = kinds.signatures.flatMap((s) => s.inputs);
    expect(new Set(inputs.map((i) => i.encoding))).toEqual(new Set(['dense', 'string', 'vocab_hash', 'padded_ids']));
    expect(new Set(inputs.flatMap((i) => i.outOfGraph.map((s) => s.op)))).toEqual(new Set(['hash_bucket', 'tokenize']));
    expect(kinds.signatures.map((s) => s.name)).toEqual(['serve', 'lite']);
  });

  test('the golden vectors, the hash vectors, and raw rows encoded by the client all match (flights)', () => {
    const r = runClient(flights.dir, '--rows', `serve=${flights.rowsFile}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^hash: murmur3_x86_32 seed 1651077732: 14 SMHasher vectors and \d+ manifest vectors match$/m);
    expect(r.stdout).toContain('serve: 1 output(s) of 9 golden example(s) match');
    expect(r.stdout).toContain('serve: 9 raw row(s) encode to the golden inputs (7 tensors) and give the golden outputs');
    expect(r.stdout.trim().endsWith('ok')).toBe(true);
  });

  test('every encoding and client step, two signatures (kinds)', () => {
    const r = runClient(kinds.dir, '--rows', `serve=${kinds.rowsFile}`, '--rows', `lite=${kinds.rowsFile}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('serve: 9 raw row(s) encode to the golden inputs (14 tensors) and give the golden outputs');
    expect(r.stdout).toContain('lite: 9 raw row(s) encode to the golden inputs (1 tensors) and give the golden outputs');
  });

  test('every option of `tokens`: the raw text of 72 rows encodes to the golden inputs (text)', () => {
    const r = runClient(text.dir, '--rows', `serve=${text.rowsFile}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('serve: 72 raw row(s) encode to the golden inputs (5 tensors) and give the golden outputs');
  });

  test('feature groups: each group input is read from its columns by name, missing values included (groups)', () => {
    const inputs = groups.signatures[0]!.inputs.filter((i) => i.columns);
    expect(inputs.map((i) => [i.name, i.columns])).toEqual([
      ['vitals', ['hr', 'bp', 'temp']],
      ['pixels', ['px_a', 'px_b', 'px_c']],
    ]);
    expect(readFileSync(groups.rowsFile, 'utf8')).toMatch(/,,/);
    const r = runClient(groups.dir, '--rows', `serve=${groups.rowsFile}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/serve: \d+ raw row\(s\) encode to the golden inputs \(3 tensors\) and give the golden outputs/);
  });

  test('a group read in another column order fails on the encoded input (groups)', () => {
    const copy = tampered(root, groups.dir, 'changed-columns', 'manifest.json', (m) => {
      const vitals = (m as unknown as ArtifactManifest).signatures[0]!.inputs.find((i) => i.name === 'vitals')! as unknown as {
        columns: string[];
      };
      vitals.columns = ['bp', 'hr', 'temp'];
    });
    const r = runClient(copy, '--rows', `serve=${groups.rowsFile}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mismatch: serve \(raw rows\): input vitals\[\d+\]/m);
  });

  test("the Python client of docs/artifacts.md reads a group's columns: its predictions on raw rows are Bird's (groups)", async () => {
    const python = venvPython();
    const code = pythonClient();
    const rows = (await csvRows(groups.rowsFile, 8)).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'sick')));
    expect(rows.some((r) => Object.values(r).includes(''))).toBe(true);
    // The client's rows as Python literals: numbers, and None where a value is missing.
    const literal = rows.map(
      (r) =>
        `{${Object.entries(r)
          .map(([k, v]) => `"${k}": ${v === '' ? 'None' : Number(v)}`)
          .join(', ')}}`,
    );
    const start = code.indexOf('\nrows = [\n') + 1;
    const script = join(root, 'client-group-rows.py');
    writeFileSync(
      script,
      code
        .replace('root = pathlib.Path("artifacts/DelayMlp/1.0.0")', `root = pathlib.Path(${JSON.stringify(groups.dir)})`)
        .replace(code.slice(start, code.indexOf(']\n', start) + 2), `rows = [\n    ${literal.join(',\n    ')},\n]\n`),
    );
    const r = spawnSync(python, [script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const printed = /\{'\w+': array\(([\s\S]*?)(?:, dtype=float32)?\)\}/.exec(r.stdout)![1]!;
    const got = [...printed.matchAll(/-?[\d.]+(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
    const session = await OnnxSession.load(groups.signatures[0]!.onnx);
    try {
      const out = Object.values(await session.run(clientFeeds(groups.signatures[0]!.inputs, rows)))[0]!;
      const want = [...(out.data as Float32Array)];
      expect(got).toHaveLength(want.length);
      // NumPy prints 8 significant digits.
      got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(want[i]!)));
    } finally {
      await session.release();
    }
  });

  test('a changed tokenizer argument fails on the encoded input (text)', () => {
    const copy = tampered(root, text.dir, 'changed-keep', 'manifest.json', (m) => {
      const title = (m as unknown as ArtifactManifest).signatures[0]!.inputs.find((i) => i.name === 'title')!;
      (title.outOfGraph[0]!.args as Record<string, unknown>)['keep'] = 'first';
    });
    const r = runClient(copy, '--rows', `serve=${text.rowsFile}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mismatch: serve \(raw rows\): input title\[\d+\]/m);
  });

  test("the Python client's tokenizer gives Bird's tokens for every option and every row (text)", async () => {
    const python = venvPython();
    const code = pythonClient();
    // The tokenizer, and the hash port its hashed sample (`keep: "sample"`) calls.
    const murmur3 = code.slice(code.indexOf('def murmur3_x86_32'), code.indexOf('def hash_bucket'));
    const tokenizer = murmur3 + code.slice(code.indexOf("# 3. Bird's tokenizer"), code.indexOf('# 4. '));
    const steps = text.signatures[0]!.inputs.flatMap((i) =>
      i.outOfGraph.filter((s) => s.op === 'tokenize').map((s) => ({ feature: i.feature, args: s.args })),
    );
    const rows = readFileSync(text.rowsFile, 'utf8');
    const script = join(root, 'tokens.py');
    writeFileSync(
      script,
      [
        'import csv, io, json, re, sys, unicodedata',
        tokenizer,
        'steps = json.loads(sys.argv[1])',
        'rows = list(csv.DictReader(io.StringIO(sys.stdin.read())))',
        'print(json.dumps([[tokenize(r[s["feature"]], s["args"]) for s in steps] for r in rows]))',
      ].join('\n'),
    );
    const r = spawnSync(python, [script, JSON.stringify(steps)], { encoding: 'utf8', input: rows });
    expect(r.stderr).toBe('');
    const expected = (await csvRows(text.rowsFile, 1000)).map((row) =>
      steps.map((st) => tokenizeText(row[st.feature] ?? '', tokenizerOptions(st.args))),
    );
    expect(expected).toHaveLength(72);
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  test('a changed expected output fails, naming the output and element', () => {
    const copy = tampered(root, flights.dir, 'changed-output', 'vectors.json', (v) => {
      const out = (v as unknown as { signatures: Record<string, { outputs: Record<string, { data: number[] }> }> }).signatures['serve']!
        .outputs['p_delayed']!;
      out.data[4] = out.data[4]! + 0.01;
    });
    const r = runClient(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^mismatch: serve \(golden inputs\): output p_delayed\[4\]: expected [\d.]+, got [\d.]+ \(within abs 0\.00001 \+ rel 0\.0001\)$/m,
    );
    expect(r.stderr).toContain('FAILED: 1 mismatch(es)');
  });

  test('a wrong hash vector fails, naming the key', () => {
    const copy = tampered(root, flights.dir, 'changed-hash', 'manifest.json', (m) => {
      // The parsed JSON is mutable whatever the manifest's readonly types say.
      const phl = (m as unknown as ArtifactManifest).hash.vectors.find((v) => v.key === 'PHL') as {
        murmur3: number;
        buckets: Record<string, number>;
      };
      phl.murmur3 += 1;
      phl.buckets['12']! += 1;
    });
    const r = runClient(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('mismatch: hash vector "PHL": murmur3_x86_32 is 737028541, the manifest says 737028542');
    expect(r.stderr).toContain('mismatch: hash vector "PHL": bucket at 12 bits is 2252, the manifest says 2253');
    expect(r.stderr).toContain('FAILED: 2 mismatch(es)');
  });

  test('raw rows that differ from the golden ones fail on the encoded input', () => {
    const rows = readFileSync(kinds.rowsFile, 'utf8').replace('Great game tonight!', 'Great game today!');
    const changed = join(root, 'changed-rows.csv');
    writeFileSync(changed, rows);
    const r = runClient(kinds.dir, '--rows', `serve=${changed}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^mismatch: serve \(raw rows\): input title\[2\]: expected \d+, got \d+ \(exactly\)$/m);
  });

  test('a usage error exits 2', () => {
    const r = runClient(flights.dir, '--rows', 'serve');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: node no_bird_client.mjs');
  });

  test.each(['flights', 'kinds', 'text', 'groups'])(
    'the Python client of docs/artifacts.md runs on the %s artifact: predictions for rows with missing values, then `golden vectors: ok`',
    (which) => {
      // The project's venv (made by `.ci/python-venv.sh`, the pretest script): the test fails without it.
      const python = venvPython();
      const code = pythonClient();
      expect(code).toContain('root = pathlib.Path("artifacts/DelayMlp/1.0.0")');
      const dir = { flights, kinds, text, groups }[which]!.dir;
      const script = join(root, `client-${which}.py`);
      // On the kinds artifact, the client's rows (flights fields) leave every feature missing
      // (None): text, token lists, sparse keys and embeddings included; on groups, every column
      // of a group (NaN).
      writeFileSync(script, code.replace('root = pathlib.Path("artifacts/DelayMlp/1.0.0")', `root = pathlib.Path(${JSON.stringify(dir)})`));
      const r = spawnSync(python, [script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // NumPy's repr pads and wraps the predictions; their presence is what matters.
      if (which === 'flights')
        expect(r.stdout).toMatch(/\{'p_delayed': array\(\[\[\s*[\d.e-]+\s*\],\s*\[\s*[\d.e-]+\s*\]\], dtype=float32\)\}/);
      else expect(r.stdout).toMatch(/^\{'\w+': array\(/);
      expect(r.stdout.trim().endsWith('golden vectors: ok')).toBe(true);
    },
  );
});
