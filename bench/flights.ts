/**
 * The flights task side by side with the PyTorch peer, in the same run: `bird train
 * models/flights.bird` on the chosen rows (one epoch, as the peer), then
 * `flights_peers.py --peers torch` on the same rows. One JSON line per implementation,
 * then the ratio of examples per second. Both figures time the training epoch only: the
 * peer excludes its pandas load and encoding, Bird its fitting pass and the one-time read
 * of the data into memory (`"excludes"` says so).
 *
 * Options: --rows=N (first N data rows; default: the whole file), --backend=B,
 * --data=PATH (default ../shared/datasets/flights_3m.csv.gz).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { packageRoot } from '../src/source/packageRoot.js';

const root = packageRoot();

async function firstRows(path: string, rows: number): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'bird-flights-')), `flights_${rows}.csv`);
  const sink = createWriteStream(out);
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    sink.write(line + '\n');
    if (n++ >= rows) break;
  }
  lines.close();
  await new Promise<void>((done) => sink.end(done));
  return out;
}

function lastJson(text: string): Record<string, number> {
  const line = text.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON line in:\n${text}`);
  return JSON.parse(line) as Record<string, number>;
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rows = option('rows') === undefined ? undefined : Number(option('rows'));
  const full = resolve(option('data') ?? join(root, '..', 'shared', 'datasets', 'flights_3m.csv.gz'));
  if (!existsSync(full)) throw new Error(`no data file at ${full}`);
  const data = rows === undefined ? full : await firstRows(full, rows);
  const backend = option('backend');

  const bird = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'train', join(root, 'models', 'flights.bird'), '--data', data, '--epochs', '1', '--json', '--out', mkdtempSync(join(tmpdir(), 'bird-run-')), ...(backend ? ['--backend', backend] : [])],
    { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 },
  );
  if (bird.status !== 0) throw new Error(`bird train failed:\n${bird.stderr}`);
  const b = lastJson(bird.stdout);
  const backendUsed = /on the (\w+) backend/.exec(bird.stderr)?.[1] ?? 'unknown';
  const auc = b['auc(p_delayed, labels.label_delayed15)']!;
  const birdLine = {
    impl: 'bird',
    backend: backendUsed,
    train_rows: b['examples']!,
    train_s: b['train_s']!,
    examples_per_s: b['examples_per_s']!,
    auc: Number(auc.toFixed(4)),
    logloss: b['logloss(p_delayed, labels.label_delayed15)']!,
    rce: b['rce(p_delayed, labels.label_delayed15)']!,
    peak_rss_mb: b['peak_rss_mb']!,
    excludes: 'fitting pass and the one-time read of the data into memory',
  };
  process.stdout.write(JSON.stringify(birdLine) + '\n');

  // The peer runs under a wrapper that reports its peak memory, without changing it.
  const peer = join(root, '..', 'shared', 'peers', 'flights_peers.py');
  const wrapper = `import resource, runpy, sys\nsys.argv = ${JSON.stringify([peer, '--data', full, '--peers', 'torch', ...(rows === undefined ? [] : ['--rows', String(rows)])])}\ntry:\n    runpy.run_path(sys.argv[0], run_name='__main__')\nexcept SystemExit:\n    pass\nprint('{"peak_rss_mb": %d}' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024), file=sys.stderr)\n`;
  const torch = spawnSync('/usr/bin/python3', ['-c', wrapper], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (torch.status !== 0) throw new Error(`the PyTorch peer failed (needs python3-torch, python3-sklearn, python3-xgboost, python3-pandas):\n${torch.stderr}`);
  const t = lastJson(torch.stdout);
  const rss = lastJson(torch.stderr)['peak_rss_mb']!;
  const torchLine = { impl: 'torch', train_rows: t['train_rows']!, train_s: t['train_s']!, examples_per_s: t['examples_per_s']!, auc: t['auc']!, logloss: t['logloss']!, rce: t['rce']!, peak_rss_mb: rss };
  process.stdout.write(JSON.stringify(torchLine) + '\n');
  process.stdout.write(JSON.stringify({ ratio_vs_torch: Number((birdLine.examples_per_s / torchLine.examples_per_s).toFixed(3)), auc_minus_torch: Number((birdLine.auc - torchLine.auc).toFixed(4)) }) + '\n');
}
