/**
 * The flights task side by side with the PyTorch peer, in the same run: `bird train
 * models/flights.bird` on the chosen rows (one epoch, as the peer), then
 * `flights_peers.py --peers torch` on the same rows. One JSON line per implementation,
 * then the ratio of examples per second. Both figures time the training epoch only: the
 * peer excludes its pandas load and encoding, Bird its fitting pass and the one-time read
 * of the data into memory (`"excludes"` says so).
 *
 * Options: --rows=N (first N data rows; default: the whole file), --backend=B,
 * --data=PATH (default ../shared/datasets/flights_3m.csv.gz), --repeat=N (N alternating
 * pairs of runs, then the median ratio: timings drift on shared machines).
 */
import { createReadStream, createWriteStream, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { birdTrain, median, root, runPeers } from './peerRuns.js';

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

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rows = option('rows') === undefined ? undefined : Number(option('rows'));
  const full = resolve(option('data') ?? join(root, '..', 'shared', 'datasets', 'flights_3m.csv.gz'));
  if (!existsSync(full)) throw new Error(`no data file at ${full}`);
  const data = rows === undefined ? full : await firstRows(full, rows);
  const backend = option('backend');

  const repeat = Number(option('repeat') ?? 1);
  const ratios: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const { record: b, backend: backendUsed } = birdTrain(join(root, 'models', 'flights.bird'), ['--data', data, '--epochs', '1', ...(backend ? ['--backend', backend] : [])]);
    const birdLine = {
      impl: 'bird',
      backend: backendUsed,
      train_rows: b['examples']!,
      train_s: b['train_s']!,
      examples_per_s: b['examples_per_s']!,
      auc: Number(b['auc(p_delayed, labels.label_delayed15)']!.toFixed(4)),
      logloss: b['logloss(p_delayed, labels.label_delayed15)']!,
      rce: b['rce(p_delayed, labels.label_delayed15)']!,
      peak_rss_mb: b['peak_rss_mb']!,
      excludes: 'fitting pass and the one-time read of the data into memory',
    };
    process.stdout.write(JSON.stringify(birdLine) + '\n');
    const { lines, peakRssMb } = runPeers(['torch'], full, rows);
    const t = lines[0]! as Record<string, number>;
    const torchLine = { impl: 'torch', train_rows: t['train_rows']!, train_s: t['train_s']!, examples_per_s: t['examples_per_s']!, auc: t['auc']!, logloss: t['logloss']!, rce: t['rce']!, peak_rss_mb: peakRssMb };
    process.stdout.write(JSON.stringify(torchLine) + '\n');
    ratios.push(birdLine.examples_per_s / torchLine.examples_per_s);
    process.stdout.write(JSON.stringify({ ratio_vs_torch: Number(ratios.at(-1)!.toFixed(3)), auc_minus_torch: Number((birdLine.auc - torchLine.auc).toFixed(4)) }) + '\n');
  }
  if (repeat > 1) process.stdout.write(JSON.stringify({ runs: repeat, median_ratio_vs_torch: Number(median(ratios).toFixed(3)), ratios: ratios.map((r) => Number(r.toFixed(3))) }) + '\n');
}
