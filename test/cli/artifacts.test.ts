import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { loadArtifact } from '../../src/artifact/loadArtifact.js';
import { runCli } from '../../src/cli/runCli.js';
import { graphDot } from '../../src/ir/graphDot.js';
import { expectGolden } from '../helpers/golden.js';

const root = join(import.meta.dirname, '..', '..');
const cases = join(root, 'test', 'cases', 'artifact');

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A project folder with the flights model and its sample, so paths in outputs are short and stable. */
const project = mkdtempSync(join(tmpdir(), 'bird-artifacts-'));
const cwd = process.cwd();
const inProject = async <T>(f: () => Promise<T>): Promise<T> => {
  process.chdir(project);
  try {
    return await f();
  } finally {
    process.chdir(cwd);
  }
};

/** The sample's rows without the label column, as a serving client would have them. */
function unlabeledRows(): string {
  const lines = gunzipSync(readFileSync(join(root, 'models', 'data', 'flights_sample.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  const at = lines[0]!.split(',').indexOf('label_delayed15');
  return (
    lines
      .slice(0, 301)
      .map((l) =>
        l
          .split(',')
          .filter((_, k) => k !== at)
          .join(','),
      )
      .join('\n') + '\n'
  );
}

beforeAll(async () => {
  cpSync(join(root, 'models', 'flights.bird'), join(project, 'models', 'flights.bird'));
  cpSync(join(root, 'models', 'data', 'flights_sample.csv.gz'), join(project, 'models', 'data', 'flights_sample.csv.gz'));
  writeFileSync(join(project, 'new_flights.csv'), unlabeledRows());
  // The same model without `month`: a removed input.
  const text = readFileSync(join(root, 'models', 'flights.bird'), 'utf8')
    .replace('    one_hot(f.month),\n', '')
    .replace('  month       : discrete(13)\n', '');
  writeFileSync(join(project, 'models', 'no_month.bird'), text);
  writeFileSync(join(project, 'models', 'no_month_v2.bird'), text.replace('serve @ 1.0.0', 'serve @ 2.0.0'));
  await inProject(async () => {
    expect((await bird('train', 'models/flights.bird', '--backend', 'wasm', '--out', 'run')).code).toBe(0);
    expect((await bird('train', 'models/no_month.bird', '--backend', 'wasm', '--out', 'run-no-month')).code).toBe(0);
    expect((await bird('export', 'models/flights.bird', '--checkpoint', 'run')).code).toBe(0);
  });
}, 180_000);

describe('bird export, verify, diff and predict on artifacts', () => {
  test('export writes the artifact after ONNX Runtime matched TF.js; verify passes with --data', async () => {
    expect(readdirSync(join(project, 'artifacts', 'DelayMlp', '1.0.0')).sort()).toEqual([
      'ir.json',
      'manifest.json',
      'model.onnx',
      'vectors.json',
      'weights.safetensors',
    ]);
    const r = await inProject(() => bird('verify', 'artifacts/DelayMlp/1.0.0', '--data', 'new_flights.csv', '--json'));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: number; comparisons: { ok: boolean; maxAbs: number }[]; golden: { rows: number }[] };
    expect(report.rows).toBe(300);
    expect(report.golden[0]!.rows).toBe(8);
    expect(report.comparisons.every((c) => c.ok && c.maxAbs < 1e-5)).toBe(true);
  }, 60_000);

  test('a client written without Bird reproduces the golden vectors of a real export, encoding its raw rows itself', () => {
    const client = join(root, 'test', 'artifact', 'client', 'no_bird_client.mjs');
    const r = spawnSync(process.execPath, [client, join(project, 'artifacts', 'DelayMlp', '1.0.0')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('serve: 8 raw row(s) encode to the golden inputs');
  }, 60_000);

  test('the Java client of docs/artifacts.md compiles and, on a real export, checks the files, the hash and its own encoding', () => {
    // The ONNX Runtime jar comes from Maven Central, which this project's machines cannot
    // reach: without BIRD_ORT_JAR the client compiles against signature-only stubs of its
    // API and runs until it first needs ONNX Runtime (docs/artifacts.md says so).
    const gson = [process.env['BIRD_GSON_JAR'], '/usr/share/java/gson.jar'].find((p) => p !== undefined && existsSync(p));
    const javac = spawnSync('javac', ['-version'], { encoding: 'utf8' }).status === 0;
    if (gson === undefined || !javac) {
      // .ci/run installs both, so CI never skips this.
      if (process.env['CI']) throw new Error('CI needs javac and Gson (libgoogle-gson-java) for the Java client of docs/artifacts.md');
      console.log('skipped the Java client of docs/artifacts.md: no javac or no Gson jar (set BIRD_GSON_JAR)');
      return;
    }
    const doc = readFileSync(join(root, 'docs', 'artifacts.md'), 'utf8');
    const code = /```java\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('### From Java')))?.[1];
    expect(code).toContain('public class BirdClient');
    const dir = mkdtempSync(join(tmpdir(), 'bird-java-client-'));
    writeFileSync(join(dir, 'BirdClient.java'), code!);
    const ort = process.env['BIRD_ORT_JAR'];
    const classes = join(dir, 'classes');
    mkdirSync(classes);
    const javacRun = (files: string[], classpath: string): void => {
      const r = spawnSync('javac', ['-Xlint:all', '-Werror', '-d', classes, '-cp', classpath, ...files], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    };
    if (ort === undefined) {
      const stubs = join(root, 'test', 'artifact', 'client', 'ort-stubs', 'ai', 'onnxruntime');
      javacRun(
        readdirSync(stubs).map((f) => join(stubs, f)),
        classes,
      );
    }
    const classpath = [classes, gson, ...(ort === undefined ? [] : [ort])].join(':');
    javacRun([join(dir, 'BirdClient.java')], classpath);
    const r = spawnSync('java', ['-cp', classpath, 'BirdClient', join(project, 'artifacts', 'DelayMlp', '1.0.0')], { encoding: 'utf8' });
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['files: ok (4)', 'feature hash: ok (8 vectors)', 'encoding: ok (8 rows)']);
    if (ort === undefined) {
      expect(r.stderr).toContain('ONNX Runtime stub: OrtEnvironment.getEnvironment needs the real onnxruntime jar');
    } else {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(lines[3]).toBe('golden vectors: ok');
      expect(lines[4]).toMatch(/^p_delayed \[[\d.E-]+, [\d.E-]+\]$/);
    }
  }, 120_000);

  test('predict with the artifact (ONNX Runtime) gives the predictions of predict with the run (TF.js)', async () => {
    await inProject(async () => {
      expect((await bird('predict', 'artifacts/DelayMlp/1.0.0', '--data', 'new_flights.csv', '--out', 'onnx.csv')).code).toBe(0);
      expect(
        (await bird('predict', 'models/flights.bird', '--checkpoint', 'run', '--data', 'new_flights.csv', '--out', 'tfjs.csv')).code,
      ).toBe(0);
    });
    const read = (f: string): number[] => readFileSync(join(project, f), 'utf8').trim().split('\n').slice(1).map(Number);
    const [onnx, tfjs] = [read('onnx.csv'), read('tfjs.csv')];
    expect(onnx).toHaveLength(300);
    onnx.forEach((p, i) => expect(Math.abs(p - tfjs[i]!)).toBeLessThan(1e-5));
  }, 60_000);

  // On a real export: the loader refuses an artifact whose models are not ONNX, so a
  // hand-made fixture can no longer stand in for one here.
  test('bird graph draws an artifact from its ir.json, fitted statistics included, titled with its version', async () => {
    const dir = join(project, 'artifacts', 'DelayMlp', '1.0.0');
    const r = await bird('graph', dir, '--signature', 'serve', '--format', 'dot');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { ir } = loadArtifact(dir);
    expect(r.stdout).toBe(
      graphDot(ir, { signature: ir.signatures.find((s) => s.name === 'serve')!, title: 'DelayMlp 1.0.0: signature serve @ 1.0.0' }),
    );
    const zscore = ir.nodes.find((n) => n.op === 'zscore')!;
    expect(r.stdout).toContain(`|> zscore\\nmean: `);
    expect(typeof zscore.attrs['mean']).toBe('number');
  });

  test('exporting a version that exists is refused (BIRD6003)', async () => {
    const r = await inProject(() => bird('export', 'models/flights.bird', '--checkpoint', 'run', '--artifact-version', '1.0.0'));
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'exists', 'result.txt'), r.stderr);
  }, 60_000);

  test('exporting an unchanged model again writes nothing; a version that is not semver is a usage error', async () => {
    const again = await inProject(() => bird('export', 'models/flights.bird', '--checkpoint', 'run'));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('artifacts DelayMlp 1.0.0 already holds this model (nothing changed); nothing written');
    expect(
      readdirSync(join(project, 'artifacts', 'DelayMlp'))
        .filter((v) => v.startsWith('1.'))
        .sort(),
    ).toEqual(['1.0.0', '1.0.0.sha256']);
    const bad = await inProject(() => bird('export', 'models/flights.bird', '--checkpoint', 'run', '--artifact-version', 'v2'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('`--artifact-version v2` is not a semantic version');
  }, 60_000);

  test('a removed input: diff says breaking and major; an understated version or signature version is refused', async () => {
    const minor = await inProject(() =>
      bird('export', 'models/no_month_v2.bird', '--checkpoint', 'run-no-month', '--artifact-version', '1.1.0'),
    );
    expect(minor.code).toBe(1);
    expectGolden(join(cases, 'understated', 'result.txt'), minor.stderr);
    const signature = await inProject(() => bird('export', 'models/no_month.bird', '--checkpoint', 'run-no-month'));
    expect(signature.code).toBe(1);
    expect(signature.stderr).toContain(
      'signature `serve` stays at 1.0.0, but its contract changed incompatibly: input `month` was removed',
    );
    const ok = await inProject(() => bird('export', 'models/no_month_v2.bird', '--checkpoint', 'run-no-month'));
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('wrote artifacts/DelayMlp/2.0.0 (a major change from 1.0.0)');
    const diff = await inProject(() => bird('diff', 'artifacts/DelayMlp/1.0.0', 'artifacts/DelayMlp/2.0.0', '--json'));
    expect(diff.code).toBe(0);
    const result = JSON.parse(diff.stdout) as { bump: string; changes: { kind: string; path: string }[] };
    expect(result.bump).toBe('major');
    expect(
      result.changes
        .filter((c) => c.kind === 'breaking')
        .map((c) => c.path)
        .sort(),
    ).toEqual(['features.month', 'serve.inputs.month']);
    const text = await inProject(() => bird('diff', 'artifacts/DelayMlp/1.0.0', 'artifacts/DelayMlp/2.0.0'));
    expect(text.stdout).toMatch(/^DelayMlp 1\.0\.0 -> 2\.0\.0: needs a major version/);
  }, 120_000);

  test("bad input to predict and verify with an artifact: diagnostics that point at the user's files", async () => {
    const missing = await inProject(() => bird('predict', 'artifacts/DelayMlp/1.0.0', '--data', 'nope.csv', '--out', 'p.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error[BIRD7001]: cannot read data file `nope.csv`');
    const noArtifact = await inProject(() => bird('predict', 'artifacts/DelayMlp/9.9.9', '--data', 'new_flights.csv', '--out', 'p.csv'));
    expect(noArtifact.code).toBe(1);
    expect(noArtifact.stderr).toContain('error[BIRD6004]');
    writeFileSync(
      join(project, 'bad_rows.csv'),
      'hour,dayofweek,month,distance,origin,destination,route\n1,2,3,100,LAS,PHL,LAS-PHL\n1,2,3,far,LAS,PHL,LAS-PHL\n',
    );
    const bad = await inProject(() => bird('verify', 'artifacts/DelayMlp/1.0.0', '--data', 'bad_rows.csv'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[BIRD7004]: expected a number in column `distance`, found `far`');
    expect(bad.stderr).toContain('--> bad_rows.csv:3:');
    const backend = await inProject(() =>
      bird('predict', 'artifacts/DelayMlp/1.0.0', '--data', 'new_flights.csv', '--out', 'p.csv', '--backend', 'cpu'),
    );
    expect(backend.code).toBe(2);
  }, 60_000);

  test('a tampered artifact is refused by verify, diff and predict (BIRD6004)', async () => {
    const copy = join(project, 'tampered', 'DelayMlp', '1.0.0');
    cpSync(join(project, 'artifacts', 'DelayMlp', '1.0.0'), copy, { recursive: true });
    const model = readFileSync(join(copy, 'model.onnx'));
    model[model.length - 5]! ^= 1;
    writeFileSync(join(copy, 'model.onnx'), model);
    const r = await inProject(() => bird('verify', 'tampered/DelayMlp/1.0.0'));
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'tampered', 'result.txt'), r.stderr.replace(/[0-9a-f]{64}/g, '<sha256>'));
    expect((await inProject(() => bird('diff', 'artifacts/DelayMlp/1.0.0', 'tampered/DelayMlp/1.0.0'))).code).toBe(1);
    expect((await inProject(() => bird('predict', 'tampered/DelayMlp/1.0.0', '--data', 'new_flights.csv', '--out', 'x.csv'))).code).toBe(1);
  }, 60_000);

  test('golden vectors that the model no longer reproduces fail verify (BIRD6005)', async () => {
    const copy = join(project, 'edited', 'DelayMlp', '1.0.0');
    cpSync(join(project, 'artifacts', 'DelayMlp', '1.0.0'), copy, { recursive: true });
    const vectors = JSON.parse(readFileSync(join(copy, 'vectors.json'), 'utf8')) as {
      signatures: { serve: { outputs: { p_delayed: { data: unknown[] } } } };
    };
    vectors.signatures.serve.outputs.p_delayed.data[2] = 0.999;
    const bytes = Buffer.from(JSON.stringify(vectors, null, 2) + '\n');
    writeFileSync(join(copy, 'vectors.json'), bytes);
    // Someone edited the vectors and the manifest's hash of them: the hashes pass, the values do not.
    const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')) as {
      files: Record<string, { sha256: string; bytes: number }>;
    };
    manifest.files['vectors.json'] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // The copy has no digest recorded beside it (export's `1.0.0.sha256`), which would refuse the edited manifest first.
    const r = await inProject(() => bird('verify', 'edited/DelayMlp/1.0.0'));
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'vectors-mismatch', 'result.txt'), r.stderr.replace(/is [0-9.e-]+, expected/, 'is <value>, expected'));
  }, 60_000);

  test('an output that reaches an op without an ONNX form is a diagnostic at the op (BIRD6001)', async () => {
    const dir = join(project, 'tok');
    cpSync(join(cases, 'unsupported-op', 'input.bird'), join(dir, 'model.bird'));
    writeFileSync(join(dir, 'rows.csv'), 'x,t,y\n1,hello world,1\n2,bye now,0\n3,a b c,1\n4,d e,0\n');
    process.chdir(dir);
    try {
      expect((await bird('train', 'model.bird', '--backend', 'wasm', '--out', 'run')).code).toBe(0);
      const r = await bird('export', 'model.bird', '--checkpoint', 'run');
      expect(r.code).toBe(1);
      expectGolden(join(cases, 'unsupported-op', 'result.txt'), r.stderr);
    } finally {
      process.chdir(cwd);
    }
    expect(dirname(dir)).toBe(project);
  }, 60_000);
});
