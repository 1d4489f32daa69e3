import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { runCli } from '../../src/cli/runCli.js';
import { resolveCheckpoint } from '../../src/pipeline/runFolder.js';
import { configConstructors, trainSettings } from '../../src/semantic/builtins.js';
import { venvPython } from '../helpers/python.js';

/**
 * The settings audit: every argument of every train constructor and every train setting
 * changes the run (a setting Bird accepts must take effect). Each row trains a tiny model
 * twice, once with the base train section and once with one setting or argument changed,
 * and compares what the run leaves: exit code, weights, per-epoch losses and metrics,
 * rows per part and the messages (times masked). The table must name every argument the
 * compiler accepts, so a new one without a row fails here.
 */

const dir = mkdtempSync(join(tmpdir(), 'bird-audit-'));

/** Deterministic rows: `y` follows `x` with noise; `c` a category that also carries signal; dates across 2001. */
function rows(n: number, salt: number): { id: string; x: number; c: string; date: string; y: number }[] {
  let s = 12345 + salt;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const x = rand() * 4 - 2;
    const c = ['a', 'b', 'c', 'd'][Math.floor(rand() * 4)]!;
    const y = x + (c === 'a' ? 1 : 0) + (rand() - 0.5) * 2 > 0 ? 1 : 0;
    return { id: `u${Math.floor(rand() * 40)}`, x: +x.toFixed(3), c, date: `2001-${String(1 + (i % 12)).padStart(2, '0')}-01`, y };
  });
}
const toCsv = (r: ReturnType<typeof rows>): string =>
  ['id,x,c,date,y', ...r.map((o) => `${o.id},${o.x},${o.c},${o.date},${o.y}`)].join('\n') + '\n';
writeFileSync(join(dir, 'd.csv'), toCsv(rows(120, 0)));
writeFileSync(join(dir, 'e.csv'), toCsv(rows(120, 7)));
writeFileSync(
  join(dir, 'd.jsonl'),
  rows(120, 0)
    .map((o) => JSON.stringify(o))
    .join('\n') + '\n',
);
writeFileSync(
  join(dir, 'e.jsonl'),
  rows(120, 7)
    .map((o) => JSON.stringify(o))
    .join('\n') + '\n',
);
// The same rows as Parquet and Arrow IPC files, written by pyarrow.
execFileSync(venvPython(), [
  '-c',
  `import pyarrow.csv as c, pyarrow.parquet as pq, pyarrow.feather as f
for n in "de":
    t = c.read_csv("${dir}/" + n + ".csv")
    pq.write_table(t, "${dir}/" + n + ".parquet")
    f.write_feather(t, "${dir}/" + n + ".arrow", compression="uncompressed")`,
]);
writeFileSync(join(dir, 'bad.csv'), toCsv(rows(120, 0)).replace(/\nu(\d+),(-?[\d.]+),/, '\nu$1,oops,'));

const base: Record<string, string> = {
  data: 'csv("d.csv", split: holdout(every: 5))',
  loss: 'bce(p, labels.y)',
  optimizer: 'sgd(lr: 0.1)',
  batch: '8',
  epochs: '2',
  seed: '1',
  threads: '1',
  metrics: '[auc(p, labels.y), logloss(p, labels.y)]',
};

function source(settings: Record<string, string | null>): string {
  const merged = { ...base, ...settings };
  const lines = Object.entries(merged).flatMap(([k, v]) => (v === null ? [] : k === 'early_stop' ? [`  ${v}`] : [`  ${k} = ${v}`]));
  return `bird 1

import std.nn { dense, embedding_bag }
import std.loss { bce }
import std.metric { auc, logloss }

features F {
  x : continuous
  c : string |> vocab(max: 10)
}

labels F {
  y : binary
}

model M(f: F) {
  out p = sigmoid(dense(concat([f.x, embedding_bag(f.c, dim: 2)], axis: 1), 1))
}

train M {
${lines.join('\n')}
}
`;
}

let counter = 0;

/** What a finished run leaves, without the settings it was given or the times it took. */
async function fingerprint(settings: Record<string, string | null>): Promise<string> {
  const name = `m${counter++}`;
  writeFileSync(join(dir, `${name}.bird`), source(settings));
  const out = join(dir, `${name}-run`);
  let stderr = '';
  const code = await runCli(['train', join(dir, `${name}.bird`), '--backend', 'cpu', '--out', out, '--no-color'], {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
  });
  const parts: string[] = [`exit ${code}`];
  if (existsSync(join(out, 'metrics.jsonl'))) {
    for (const line of readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')) {
      const r = JSON.parse(line) as Record<string, number>;
      for (const k of ['train_s', 'examples_per_s', 'peak_rss_mb']) delete r[k];
      parts.push(JSON.stringify(r));
    }
    const checkpoints = readdirSync(join(out, 'checkpoints')).sort();
    parts.push(checkpoints.join(','));
    const last = checkpoints.filter((c) => c.startsWith('epoch-')).at(-1);
    if (last)
      parts.push(
        createHash('sha256')
          .update(readFileSync(join(out, 'checkpoints', last, 'weights.bin')))
          .digest('hex'),
      );
    parts.push(JSON.stringify((JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { fingerprint?: unknown }).fingerprint));
  }
  parts.push(
    stderr
      .replace(/[\d.]+ s\b/g, 'T s')
      .replace(/\d+ ex\/s/g, 'N ex/s')
      .replaceAll(out, 'RUN')
      .replaceAll(name, 'M'),
  );
  return parts.join('\n');
}

/**
 * The step checkpoints present when a run is stopped in its first epoch after ten steps
 * (the progress line drawn on a terminal is where it is stopped): what `checkpoint_every` and
 * `keep_checkpoints` change, since an epoch's end replaces them.
 */
async function stoppedCheckpoints(settings: Record<string, string | null>): Promise<string> {
  const name = `m${counter++}`;
  writeFileSync(join(dir, `${name}.bird`), source({ ...settings, data: 'csv("d.csv")', batch: '4' }));
  const out = join(dir, `${name}-run`);
  // The progress line is drawn on a terminal only.
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  try {
    await runCli(['train', join(dir, `${name}.bird`), '--backend', 'cpu', '--out', out], {
      stdout: () => undefined,
      stderr: (t) => {
        if (t.includes(' ex/s loss ')) throw new Error('stopped');
      },
    });
  } finally {
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return existsSync(join(out, 'checkpoints')) ? readdirSync(join(out, 'checkpoints')).sort().join(',') : 'none';
}

type Observe = 'run' | 'stopped';
/** [constructor or `train`, argument or setting, the base's settings changed, the variant's] */
type Row = [string, string, Record<string, string | null>, Record<string, string | null>, Observe?];

const sched = (s: string): Record<string, string> => ({ optimizer: `sgd(lr: 0.1, schedule: ${s})` });
const es = (s: string): Record<string, string> => ({ epochs: '5', early_stop: `early_stop(${s})` });

const table: Row[] = [
  ['train', 'data', {}, { data: 'csv("e.csv", split: holdout(every: 5))' }],
  ['train', 'loss', {}, { loss: '2.0 * bce(p, labels.y)' }],
  ['train', 'optimizer', {}, { optimizer: 'adam(lr: 0.1)' }],
  ['train', 'batch', {}, { batch: '16' }],
  ['train', 'epochs', {}, { epochs: '3' }],
  ['train', 'metrics', {}, { metrics: '[auc(p, labels.y)]' }],
  ['train', 'seed', {}, { seed: '2' }],
  ['train', 'clip_norm', {}, { clip_norm: '0.01' }],
  ['train', 'weight_decay', {}, { weight_decay: '0.5' }],
  ['train', 'shuffle', {}, { shuffle: '1000' }],
  ['train', 'shuffle', { shuffle: '1000' }, { shuffle: '3' }],
  ['train', 'checkpoint_every', {}, { checkpoint_every: '3' }, 'stopped'],
  ['train', 'keep_checkpoints', { checkpoint_every: '1' }, { checkpoint_every: '1', keep_checkpoints: '1' }, 'stopped'],
  ['train', 'threads', {}, { threads: '2' }],
  [
    'train',
    'bad_data',
    { data: 'csv("bad.csv", split: holdout(every: 5))' },
    { data: 'csv("bad.csv", split: holdout(every: 5))', bad_data: 'skip(max: 5)' },
  ],
  // An engine that cannot run here refuses (BIRD7025) instead of training with another one.
  ['train', 'engine', { engine: '"tfjs"' }, { engine: '"onnxruntime"' }],
  ['train', 'early_stop', { epochs: '5' }, es('metric: logloss, patience: 1, mode: "max"')],
  ['csv', 'path', {}, { data: 'csv(path: "e.csv", split: holdout(every: 5))' }],
  ['csv', 'split', {}, { data: 'csv("d.csv")' }],
  ['jsonl', 'path', { data: 'jsonl("d.jsonl")' }, { data: 'jsonl(path: "e.jsonl")' }],
  ['jsonl', 'split', { data: 'jsonl("d.jsonl")' }, { data: 'jsonl("d.jsonl", split: holdout(every: 5))' }],
  ['parquet', 'path', { data: 'parquet("d.parquet")' }, { data: 'parquet(path: "e.parquet")' }],
  ['parquet', 'split', { data: 'parquet("d.parquet")' }, { data: 'parquet("d.parquet", split: holdout(every: 5))' }],
  ['arrow', 'path', { data: 'arrow("d.arrow")' }, { data: 'arrow(path: "e.arrow")' }],
  ['arrow', 'split', { data: 'arrow("d.arrow")' }, { data: 'arrow("d.arrow", split: holdout(every: 5))' }],
  ['holdout', 'every', {}, { data: 'csv("d.csv", split: holdout(every: 4))' }],
  ['holdout', 'offset', {}, { data: 'csv("d.csv", split: holdout(every: 5, offset: 0))' }],
  ['holdout', 'fraction', { data: 'csv("d.csv", split: holdout(fraction: 0.2))' }, { data: 'csv("d.csv", split: holdout(fraction: 0.1))' }],
  [
    'holdout',
    'key',
    { data: 'csv("d.csv", split: holdout(fraction: 0.2))' },
    { data: 'csv("d.csv", split: holdout(fraction: 0.2, key: "id"))' },
  ],
  [
    'holdout',
    'validation',
    { data: 'csv("d.csv", split: holdout(fraction: 0.2))' },
    { data: 'csv("d.csv", split: holdout(fraction: 0.2, validation: 0.2))' },
  ],
  ['holdout', 'validation_offset', {}, { data: 'csv("d.csv", split: holdout(every: 5, validation_offset: 0))' }],
  [
    'by_date',
    'validation_from',
    { data: 'csv("d.csv", split: by_date(column: "date", test_from: "2001-10-01"))' },
    { data: 'csv("d.csv", split: by_date(column: "date", test_from: "2001-10-01", validation_from: "2001-07-01"))' },
  ],
  [
    'files',
    'validation',
    { data: 'files(train: "d.csv", test: "e.csv")' },
    { data: 'files(train: "d.csv", test: "e.csv", validation: "e.csv")' },
  ],
  [
    'by_date',
    'column',
    { data: 'csv("d.csv", split: by_date(column: "date", test_from: "2001-10-01"))' },
    { data: 'csv("d.csv", split: by_date(column: "id", test_from: "2001-10-01"))' },
  ],
  [
    'by_date',
    'test_from',
    { data: 'csv("d.csv", split: by_date(column: "date", test_from: "2001-10-01"))' },
    { data: 'csv("d.csv", split: by_date(column: "date", test_from: "2001-06-01"))' },
  ],
  ['files', 'train', { data: 'files(train: "d.csv", test: "e.csv")' }, { data: 'files(train: "e.csv", test: "e.csv")' }],
  ['files', 'test', { data: 'files(train: "d.csv", test: "e.csv")' }, { data: 'files(train: "d.csv", test: "d.csv")' }],
  ['sgd', 'lr', {}, { optimizer: 'sgd(lr: 0.05)' }],
  ['sgd', 'schedule', {}, sched('step(every: 3)')],
  ['momentum', 'lr', { optimizer: 'momentum(lr: 0.1)' }, { optimizer: 'momentum(lr: 0.05)' }],
  ['momentum', 'momentum', { optimizer: 'momentum(lr: 0.1)' }, { optimizer: 'momentum(lr: 0.1, momentum: 0.5)' }],
  ['momentum', 'nesterov', { optimizer: 'momentum(lr: 0.1)' }, { optimizer: 'momentum(lr: 0.1, nesterov: true)' }],
  ['momentum', 'schedule', { optimizer: 'momentum(lr: 0.1)' }, { optimizer: 'momentum(lr: 0.1, schedule: warmup(steps: 10))' }],
  ['adam', 'lr', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.05)' }],
  ['adam', 'beta1', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.1, beta1: 0.5)' }],
  ['adam', 'beta2', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.1, beta2: 0.9)' }],
  ['adam', 'eps', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.1, eps: 0.5)' }],
  ['adam', 'lazy', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.1, lazy: false)' }],
  ['adam', 'schedule', { optimizer: 'adam(lr: 0.1)' }, { optimizer: 'adam(lr: 0.1, schedule: warmup(steps: 10))' }],
  ['adagrad', 'lr', { optimizer: 'adagrad(lr: 0.1)' }, { optimizer: 'adagrad(lr: 0.05)' }],
  ['adagrad', 'initial_accumulator', { optimizer: 'adagrad(lr: 0.1)' }, { optimizer: 'adagrad(lr: 0.1, initial_accumulator: 2.0)' }],
  ['adagrad', 'schedule', { optimizer: 'adagrad(lr: 0.1)' }, { optimizer: 'adagrad(lr: 0.1, schedule: warmup(steps: 10))' }],
  ['warmup', 'steps', sched('warmup(steps: 5)'), sched('warmup(steps: 20)')],
  ['linear', 'warmup', sched('linear()'), sched('linear(warmup: 5)')],
  ['linear', 'steps', sched('linear()'), sched('linear(steps: 10)')],
  ['linear', 'end', sched('linear()'), sched('linear(end: 0.05)')],
  ['cosine', 'warmup', sched('cosine()'), sched('cosine(warmup: 5)')],
  ['cosine', 'steps', sched('cosine()'), sched('cosine(steps: 10)')],
  ['cosine', 'end', sched('cosine()'), sched('cosine(end: 0.05)')],
  ['step', 'every', sched('step(every: 5)'), sched('step(every: 10)')],
  ['step', 'gamma', sched('step(every: 5)'), sched('step(every: 5, gamma: 0.5)')],
  ['step', 'warmup', sched('step(every: 5)'), sched('step(every: 5, warmup: 5)')],
  ['exponential', 'rate', sched('exponential(every: 5)'), sched('exponential(every: 5, rate: 0.5)')],
  ['exponential', 'every', sched('exponential(every: 5)'), sched('exponential(every: 10)')],
  ['exponential', 'warmup', sched('exponential(every: 5)'), sched('exponential(every: 5, warmup: 5)')],
  ['early_stop', 'metric', es('metric: logloss, patience: 1, mode: "max"'), es('metric: auc, patience: 1, mode: "max"')],
  ['early_stop', 'patience', es('metric: logloss, patience: 1, mode: "max"'), es('metric: logloss, patience: 2, mode: "max"')],
  ['early_stop', 'mode', es('metric: logloss, patience: 1, mode: "max"'), es('metric: logloss, patience: 1, mode: "min"')],
  ['early_stop', 'min_delta', es('metric: logloss, patience: 1'), es('metric: logloss, patience: 1, min_delta: 1.0')],
  [
    'skip',
    'max',
    { data: 'csv("bad.csv", split: holdout(every: 5))', bad_data: 'skip(max: 0)' },
    { data: 'csv("bad.csv", split: holdout(every: 5))', bad_data: 'skip(max: 5)' },
  ],
];

/** Runs already made, by their settings: the rows share their bases. */
const seen = new Map<string, string>();

describe('settings audit: each documented argument changes the run', () => {
  test('the table covers every train setting and every constructor argument', () => {
    const covered = new Set(table.map(([c, a]) => `${c}.${a}`));
    const expected = [
      ...[...trainSettings.keys()].map((s) => `train.${s}`),
      ...[...configConstructors].flatMap(([c, args]) => args.map((a) => `${c}.${a}`)),
    ];
    // `loss` and `metrics` are tensors; their rows change the expression itself.
    expect(expected.filter((e) => !covered.has(e))).toEqual([]);
  });

  test.each(table)(
    '%s: %s',
    async (_owner, _arg, before, after, observe = 'run') => {
      const see = async (settings: Record<string, string | null>): Promise<string> => {
        const key = `${observe} ${JSON.stringify(settings)}`;
        if (!seen.has(key)) seen.set(key, await (observe === 'run' ? fingerprint : stoppedCheckpoints)(settings));
        return seen.get(key)!;
      };
      const [a, b] = [await see(before), await see(after)];
      expect(a).toMatch(observe === 'run' ? /exit [01]/ : /./);
      expect(b).not.toEqual(a);
    },
    60_000,
  );
});

describe('three-way splits and early stopping', () => {
  test('epochs watch the validation part, the test part is scored once at the end, early stopping keeps the best epoch', async () => {
    const name = `m${counter++}`;
    writeFileSync(
      join(dir, `${name}.bird`),
      source({ data: 'csv("d.csv", split: holdout(every: 5, validation_offset: 0))', ...es('metric: logloss, patience: 1, mode: "max"') }),
    );
    const out = join(dir, `${name}-run`);
    let stderr = '';
    const code = await runCli(['train', join(dir, `${name}.bird`), '--backend', 'cpu', '--out', out], {
      stdout: () => undefined,
      stderr: (t) => void (stderr += t),
    });
    expect(code).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { fingerprint: { rows: Record<string, number> } };
    expect(config.fingerprint.rows['train']).toBe(72);
    // Log loss falls as training goes on, so asking for it to rise stops after epoch 2 and keeps epoch 1.
    const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(records.map((r) => r['epoch'])).toEqual([1, 2]);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      best_epoch: number;
      restored: boolean;
      last_epoch: number;
      test: Record<string, number>;
    };
    expect(result).toMatchObject({ best_epoch: 1, restored: true, last_epoch: 2 });
    expect(stderr).toContain("early stopping: restored the weights of epoch 1, the best by `logloss` (the run's last epoch is 2)");
    expect(stderr).toMatch(/test part \(scored once, after training\), auc\(p, labels\.y\) [\d.]+, logloss\(p, labels\.y\) [\d.]+/);
    // The test part's figures are the kept weights' on other rows than the validation's.
    const validation = records[0]!['logloss(p, labels.y)']!;
    expect(result.test['logloss(p, labels.y)']).not.toBeCloseTo(validation, 6);
    // Export and predict read the kept epoch's checkpoint.
    expect(resolveCheckpoint(out).checkpoint).toBe(join(out, 'checkpoints', 'epoch-1'));
  }, 60_000);
});
