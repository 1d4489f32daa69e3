import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { printOnnx } from '../../../src/backends/onnx/printOnnx.js';
import { OnnxSession } from '../../../src/backends/onnx/runOnnx.js';
import { runCli } from '../../../src/cli/runCli.js';
import { expectGolden } from '../../helpers/golden.js';
import { repoRoot } from '../../helpers/semanticCases.js';
import { clientFeeds } from './clientFeeds.js';
import { checkerScript, fittedModel, onnxPython, randomWeights } from './onnxTestHelpers.js';

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const cases = join(repoRoot, 'test', 'cases', 'onnx', 'compile');
const flights = join(repoRoot, 'models', 'flights.bird');
const dir = mkdtempSync(join(tmpdir(), 'bird-compile-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bird compile --emit onnx', () => {
  test("prints the dump of each signature: the export's graph, with placeholder statistics and a note", async () => {
    const r = await bird('compile', '--emit', 'onnx', flights);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expectGolden(join(cases, 'flights.txt'), r.stdout);
    // Apart from the fitted numbers (vocabularies, z-score) and the note, the trained export has the same graph.
    const { graph } = await fittedModel('flights.bird');
    const trained = printOnnx(exportSignatures(graph, randomWeights(graph, 1))[0]!.onnx);
    const shape = (dump: string): string[] => dump.split('\n').filter((l) => !/bird\.untrained|LabelEncoder|float32\[\]\{/.test(l));
    expect(shape(r.stdout)).toEqual(shape(trained));
  });

  test("--out writes one signature's model: it passes the checker and, its weights zero, predicts sigmoid(0) for any row", async () => {
    const out = join(dir, 'serve.onnx');
    const r = await bird('compile', '--emit', 'onnx', flights, '--signature', 'serve', '--out', out);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
    expect(r.stderr).toMatch(
      /^wrote .*serve\.onnx \(signature `serve` of model `DelayMlp`, \d+ bytes, zero weights and placeholder statistics/,
    );
    const python = onnxPython();
    if (python) expect(spawnSync(python, [checkerScript, out], { encoding: 'utf8' }).stdout).toBe(`ok ${out}\n`);
    const { graph } = await fittedModel('flights.bird');
    const [sig] = exportSignatures(graph, randomWeights(graph, 1));
    const session = await OnnxSession.load(readFileSync(out));
    const rows = [
      { hour: '7', dayofweek: '2', month: '3', distance: '500', origin: 'ORD', destination: 'LAX', route: 'ORD-LAX' },
      { hour: '', dayofweek: '', month: '', distance: '', origin: '', destination: '', route: '' },
    ];
    const p = (await session.run(clientFeeds(sig!.inputs, rows)))['p_delayed']!;
    await session.release();
    expect({ dims: p.dims, data: Array.from(p.data as Float32Array) }).toEqual({ dims: [2, 1], data: [0.5, 0.5] });
  });

  test('an op without an ONNX form is BIRD6001 at the op, without training first', async () => {
    const model = join(repoRoot, 'test', 'cases', 'artifact', 'unsupported-op', 'input.bird');
    const r = await bird('compile', '--emit', 'onnx', relative(process.cwd(), model), '--no-color');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expectGolden(join(cases, 'unsupported-op.txt'), r.stderr);
  });

  test('an unknown signature and a model without signatures are diagnostics at the model (exit 1); --out with several signatures or without --emit onnx usage errors (exit 2)', async () => {
    const twoSignatures = join(repoRoot, 'test', 'cases', 'onnx', 'kinds', 'input.bird');
    const noSignature = join(dir, 'unsigned.bird');
    const text = readFileSync(flights, 'utf8');
    writeFileSync(noSignature, text.slice(0, text.indexOf('signature serve')));
    const runs = await Promise.all([
      bird('compile', '--emit', 'onnx', flights, '--signature', 'nope'),
      bird('compile', '--emit', 'onnx', twoSignatures, '--out', join(dir, 'x.onnx')),
      bird('compile', '--emit', 'ir', flights, '--out', join(dir, 'x.onnx')),
      bird('compile', '--emit', 'onnx', noSignature),
    ]);
    expect(runs.map((r) => [r.code, r.stdout, r.stderr.split('\n')[0]])).toEqual([
      [1, '', 'error[BIRD3025]: model `DelayMlp` has no signature `nope`'],
      [1, '', expect.stringMatching(/^error\[BIRD3026\]: model `\w+` has 2 signatures, and `--out` writes the ONNX model of one$/)],
      [2, '', 'error: `--out` goes with `--emit onnx`'],
      [1, '', 'error[BIRD2024]: model `DelayMlp` declares no signature, so there is nothing to emit as ONNX'],
    ]);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});
