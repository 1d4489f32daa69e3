import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { auc } from '../../src/train/setMetrics.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function bird(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const root = join(import.meta.dirname, '..', '..');
const cases = join(root, 'test', 'cases');

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bird-cli-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('bird check', () => {
  test('a valid model exits 0', async () => {
    const r = await bird('check', join(root, 'models', 'flights.bird'), '--no-color');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('ok: 1 file checked');
  });

  test('three independent syntax errors are all reported with codes and frames, exit 1', async () => {
    const r = await bird('check', join(cases, 'syntax', 'three-independent-errors', 'input.bird'), '--no-color');
    expect(r.code).toBe(1);
    const headers = r.stderr.match(/^error\[BIRD\d{4}\]/gm) ?? [];
    expect(headers).toHaveLength(3);
    expect(r.stderr.match(/--> .*input\.bird:\d+:\d+/g)).toHaveLength(3);
    expect(r.stderr).toContain('3 errors');
  });

  test('--json prints diagnostics with 1-based positions', async () => {
    const r = await bird('check', '--json', join(cases, 'syntax', 'unclosed-paren', 'input.bird'));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      diagnostics: { code: string; line: number; column: number; secondary: { line: number; column: number }[] }[];
    };
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ code: 'BIRD1006', line: 4, column: 17 });
    expect(out.diagnostics[0]!.secondary[0]).toMatchObject({ line: 4, column: 12 });
  });

  test('warnings alone exit 0', async () => {
    const r = await bird('check', join(cases, 'syntax', 'missing-pragma', 'input.bird'), '--no-color');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[BIRD1014]');
  });

  test('a missing file is a usage error, exit 2', async () => {
    const r = await bird('check', join(root, 'no-such.bird'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
  });

  test('an unknown command or flag is a usage error, exit 2', async () => {
    const typo = await bird('chek', 'x.bird');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command `chek`; did you mean `check`?');
    expect((await bird('check', '--bogus', 'x.bird')).code).toBe(2);
    expect((await bird()).code).toBe(2);
  });

  test('color codes only when asked', async () => {
    const file = join(cases, 'syntax', 'unclosed-paren', 'input.bird');
    expect((await bird('check', '--color', file)).stderr).toContain('\x1b[');
    expect((await bird('check', '--no-color', file)).stderr).not.toContain('\x1b[');
  });
});

describe('bird fmt', () => {
  const messy = readFileSync(join(cases, 'fmt', 'messy', 'input.bird'), 'utf8');
  const canonical = readFileSync(join(cases, 'fmt', 'messy', 'output.bird'), 'utf8');

  test('--check lists files that would change, exits 1, and writes nothing', async () => {
    const path = tempFile('messy.bird', messy);
    const r = await bird('fmt', '--check', path);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`would reformat ${path}`);
    expect(readFileSync(path, 'utf8')).toBe(messy);
  });

  test('rewrites in place, leaving no temporary files', async () => {
    const path = tempFile('messy.bird', messy);
    const r = await bird('fmt', path);
    expect(r.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(canonical);
    expect(readdirSync(join(path, '..'))).toEqual(['messy.bird']);
    expect((await bird('fmt', '--check', path)).code).toBe(0);
  });

  test('never rewrites a file with syntax errors', async () => {
    const broken = 'bird 1\nmodel M(f: F) {\n  h = dense(x,\n}\n';
    const path = tempFile('broken.bird', broken);
    const r = await bird('fmt', path, '--no-color');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[BIRD');
    expect(readFileSync(path, 'utf8')).toBe(broken);
  });

  test('the bundled models and the standard library are formatted', async () => {
    const models = ['models', 'stdlib'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.bird'))
        .map((f) => join(root, dir, f)),
    );
    expect(models.length).toBeGreaterThan(3);
    expect(await bird('fmt', '--check', ...models)).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('standard input', () => {
  test('`-` reads the program from stdin', () => {
    const run = (args: string[], input: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
        input,
        encoding: 'utf8',
        cwd: root,
      });
    const formatted = run(['fmt', '-'], 'bird 1\nconst A=[1,2]\n');
    expect(formatted.status).toBe(0);
    expect(formatted.stdout).toBe('bird 1\n\nconst A = [1, 2]\n');
    const checked = run(['check', '--no-color', '-'], 'bird 1\nconst A = (1\n');
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain('--> <stdin>:2:13');
  });
});

describe('bird compile', () => {
  test('--emit ast prints the golden AST dump', async () => {
    const dir = join(cases, 'syntax', 'ast-declarations');
    const r = await bird('compile', '--emit', 'ast', join(dir, 'input.bird'));
    expect(r.code).toBe(0);
    // The golden was rendered with the file named `input.bird`; the dump has no paths.
    expect(r.stdout).toBe(readFileSync(join(dir, 'ast.txt'), 'utf8'));
  });

  test('--emit ast-json prints JSON with kinds and spans', async () => {
    const r = await bird('compile', '--emit', 'ast-json', join(root, 'models', 'flights.bird'));
    const ast = JSON.parse(r.stdout) as { kind: string; items: { kind: string; span: { start: number } }[] };
    expect(ast.kind).toBe('Module');
    expect(ast.items.map((i) => i.kind)).toContain('ModelDecl');
  });

  test('an invalid command line runs nothing and prints nothing on stdout', async () => {
    const model = join(root, 'models', 'flights.bird');
    for (const argv of [
      ['compile', '--emit', 'bogus', model],
      ['compile', model],
      ['check', '--frob', model],
    ]) {
      const r = await bird(...argv);
      expect(r).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).not.toContain('ok:');
    }
  });

  test('--help shows an example for every command', async () => {
    for (const command of ['check', 'fmt', 'compile']) {
      const r = await bird(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toContain('Examples:');
    }
  });
});

describe('bird train', () => {
  test('trains the bundled model and writes the run folder: config, fitted IR, metrics, checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bird-run-'));
    const r = await bird('train', join(root, 'models', 'flights.bird'), '--epochs', '1', '--backend', 'cpu', '--out', out, '--json');
    expect(r.code).toBe(0);
    // One JSON document: the run folder, the model and each epoch's record, as metrics.jsonl holds them.
    const doc = JSON.parse(r.stdout) as { run: string; model: string; epochs: Record<string, number>[]; diagnostics: unknown[] };
    expect([doc.run, doc.model, doc.epochs.length, doc.diagnostics]).toEqual([out, 'DelayMlp', 1, []]);
    expect(doc.epochs).toEqual(
      readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    );
    const record = doc.epochs[0]!;
    expect(record['epoch']).toBe(1);
    expect(record['examples']).toBe(5000);
    expect(record['auc(p_delayed, labels.label_delayed15)']).toBeGreaterThan(0.5);
    expect(readdirSync(out).sort()).toEqual([
      'calibration.json',
      'checkpoints',
      'config.json',
      'ir.json',
      'metrics.jsonl',
      'report.html',
      'steps.jsonl',
    ]);
    const index = JSON.parse(readFileSync(join(out, 'checkpoints', 'epoch-1', 'index.json'), 'utf8')) as { tensors: { name: string }[] };
    expect(index.tensors.map((t) => t.name)).toContain('embedding_bag_0/table');
    const ir = JSON.parse(readFileSync(join(out, 'ir.json'), 'utf8')) as { nodes: { op: string; attrs: Record<string, unknown> }[] };
    expect(typeof ir.nodes.find((n) => n.op === 'zscore')!.attrs['mean']).toBe('number');
  }, 120_000);

  test('a run stopped after an epoch and resumed ends with exactly the weights of an unbroken run', async () => {
    const model = join(root, 'models', 'flights.bird');
    const whole = mkdtempSync(join(tmpdir(), 'bird-run-'));
    const broken = mkdtempSync(join(tmpdir(), 'bird-run-'));
    expect((await bird('train', model, '--epochs', '2', '--backend', 'wasm', '--out', whole)).code).toBe(0);
    expect((await bird('train', model, '--epochs', '1', '--backend', 'wasm', '--out', broken)).code).toBe(0);
    const resumed = await bird('train', model, '--epochs', '2', '--backend', 'wasm', '--resume', '--out', broken);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('after epoch 1');
    const weights = (dir: string): Buffer => readFileSync(join(dir, 'checkpoints', 'epoch-2', 'weights.bin'));
    expect(weights(broken).equals(weights(whole))).toBe(true);
    expect(readFileSync(join(broken, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  }, 180_000);

  test('--bad-data skip counts bad rows and reports the first at the end', async () => {
    const sample = readFileSync(join(root, 'models', 'data', 'flights_sample.csv.gz'));
    const lines = (await import('node:zlib')).gunzipSync(sample).toString('utf8').split('\n');
    lines[3] = lines[3]!.replace(/,(\d+),([A-Z]{3}),/, ',12 miles,$2,');
    lines[9] = '1,2,3';
    const data = tempFile('some-bad.csv', lines.join('\n'));
    const r = await bird(
      'train',
      join(root, 'models', 'flights.bird'),
      '--data',
      data,
      '--bad-data',
      'skip',
      '--epochs',
      '1',
      '--backend',
      'wasm',
      '--out',
      mkdtempSync(join(tmpdir(), 'bird-run-')),
      '--no-color',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped 2 bad rows of the train part; the first:\nwarning\[BIRD7004\]/);
  }, 120_000);

  test('--resume without a run to resume is a usage error', async () => {
    const r = await bird('train', join(root, 'models', 'flights.bird'), '--resume', '--out', join(tmpdir(), 'no-such-bird-run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to resume');
  });

  test('bad data is a diagnostic naming file, row and column, exit 1', async () => {
    const data = tempFile(
      'bad.csv',
      'date,hour,dayofweek,month,delay,distance,origin,destination,route,label_delayed15\n2001-01-01,0,1,1,3,12 miles,LAS,PHL,LAS-PHL,1\n',
    );
    const out = join(mkdtempSync(join(tmpdir(), 'bird-run-')), 'run');
    const r = await bird(
      'train',
      join(root, 'models', 'flights.bird'),
      '--data',
      data,
      '--backend',
      'cpu',
      '--threads',
      '1',
      '--out',
      out,
      '--no-color',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[BIRD7004]: expected a number in column `distance`, found `12 miles`');
    expect(r.stderr).toContain(`--> ${data}:2:`);
    // The run folder it created is gone; a folder the user made stays.
    expect(existsSync(out)).toBe(false);
    const mine = mkdtempSync(join(tmpdir(), 'bird-run-'));
    expect(
      (await bird('train', join(root, 'models', 'flights.bird'), '--data', data, '--backend', 'cpu', '--threads', '1', '--out', mine)).code,
    ).toBe(1);
    expect(existsSync(mine)).toBe(true);
  }, 60_000);
});

describe('bird predict', () => {
  test('predictions of the holdout rows (labels removed) reproduce the metrics the run recorded', async () => {
    const model = join(root, 'models', 'flights.bird');
    const run = mkdtempSync(join(tmpdir(), 'bird-run-'));
    expect((await bird('train', model, '--epochs', '1', '--backend', 'wasm', '--out', run)).code).toBe(0);
    const recorded = JSON.parse(readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
    const lines = gunzipSync(readFileSync(join(root, 'models', 'data', 'flights_sample.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    const head = lines[0]!.split(',');
    const labelAt = head.indexOf('label_delayed15');
    const holdout = lines.slice(1).filter((_, i) => i % 6 === 5);
    const labels = holdout.map((l) => Number(l.split(',')[labelAt]));
    const withoutLabels = [head, ...holdout.map((l) => l.split(','))].map((cells) => cells.filter((_, k) => k !== labelAt).join(','));
    const data = tempFile('holdout.csv', withoutLabels.join('\n') + '\n');
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pred-')), 'p.csv');
    const r = await bird('predict', model, '--checkpoint', run, '--data', data, '--out', out);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('p_delayed');
    const p = Float32Array.from(rows.slice(1).map(Number));
    expect(p).toHaveLength(holdout.length);
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
    expect(auc(p, Float32Array.from(labels))).toBeCloseTo(recorded['auc(p_delayed, labels.label_delayed15)']!, 3);
    const logloss = -labels.reduce((s, y, i) => s + (y * Math.log(p[i]!) + (1 - y) * Math.log(1 - p[i]!)), 0) / labels.length;
    expect(logloss).toBeCloseTo(recorded['logloss(p_delayed, labels.label_delayed15)']!, 3);
    // A checkpoint folder works as well as its run, and JSONL output carries the same numbers.
    const jsonl = join(dirname(out), 'p.jsonl');
    expect((await bird('predict', model, '--checkpoint', join(run, 'checkpoints', 'epoch-1'), '--data', data, '--out', jsonl)).code).toBe(
      0,
    );
    const first = JSON.parse(readFileSync(jsonl, 'utf8').split('\n')[0]!) as { p_delayed: number };
    expect(first.p_delayed).toBeCloseTo(p[0]!, 6);
    expect(readdirSync(dirname(out)).sort()).toEqual(['p.csv', 'p.jsonl']);
  }, 180_000);

  test('a bad row is a diagnostic and leaves no output file', async () => {
    const run = mkdtempSync(join(tmpdir(), 'bird-run-'));
    const model = join(root, 'models', 'flights.bird');
    expect((await bird('train', model, '--epochs', '1', '--backend', 'wasm', '--out', run)).code).toBe(0);
    const data = tempFile(
      'bad.csv',
      'hour,dayofweek,month,distance,origin,destination,route\n1,2,3,100,LAS,PHL,LAS-PHL\n1,2,3,far,LAS,PHL,LAS-PHL\n',
    );
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pred-')), 'p.csv');
    const r = await bird('predict', model, '--checkpoint', run, '--data', data, '--out', out, '--no-color');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[BIRD7004]');
    expect(r.stderr).toContain(`--> ${data}:3:`);
    expect(readdirSync(dirname(out))).toEqual([]);
  }, 120_000);

  test('an output that is neither .csv nor .jsonl, or a folder without checkpoints, is a usage error', async () => {
    const model = join(root, 'models', 'flights.bird');
    expect((await bird('predict', model, '--checkpoint', tmpdir(), '--data', 'x.csv', '--out', 'p.txt')).stderr).toContain(
      '`--out` must end in `.csv` or `.jsonl`',
    );
    const r = await bird('predict', model, '--checkpoint', mkdtempSync(join(tmpdir(), 'bird-run-')), '--data', 'x.csv', '--out', 'p.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('neither a run folder with checkpoints nor a checkpoint folder');
  });
});
