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
 * pairs of runs, then the median ratio: timings drift on shared machines),
 * --engine=E[,E] (the training engines to run, each beside the same peer run; default
 * tfjs,onnxruntime), --breakdown-steps=N (after the runs, where a step's time goes on each
 * engine, over N steps in this process: data, gathers, engine, sparse updates, dense
 * optimizer; default 200, 0 to skip).
 */
import { createReadStream, createWriteStream, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { birdTrain, median, root, runPeers } from './peerRuns.js';
import { stepBreakdown } from './stepBreakdown.js';

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
  const engines = (option('engine') ?? 'tfjs,onnxruntime').split(',');
  const ratios = new Map<string, number[]>(engines.map((e) => [e, []]));
  for (let i = 0; i < repeat; i++) {
    const birdLines = engines.map((engine) => {
      const { record: b, backend: backendUsed } = birdTrain(join(root, 'models', 'flights.bird'), [
        '--data',
        data,
        '--epochs',
        '1',
        '--engine',
        engine,
        ...(backend ? ['--backend', backend] : []),
      ]);
      const birdLine = {
        impl: 'bird',
        engine,
        backend: engine === 'tfjs' ? backendUsed : engine,
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
      return birdLine;
    });
    const { lines, peakRssMb } = runPeers(['torch'], full, rows);
    const t = lines[0]! as Record<string, number>;
    const torchLine = {
      impl: 'torch',
      train_rows: t['train_rows']!,
      train_s: t['train_s']!,
      examples_per_s: t['examples_per_s']!,
      auc: t['auc']!,
      logloss: t['logloss']!,
      rce: t['rce']!,
      peak_rss_mb: peakRssMb,
    };
    process.stdout.write(JSON.stringify(torchLine) + '\n');
    for (const birdLine of birdLines) {
      const r = ratios.get(birdLine.engine)!;
      r.push(birdLine.examples_per_s / torchLine.examples_per_s);
      process.stdout.write(
        JSON.stringify({
          engine: birdLine.engine,
          ratio_vs_torch: Number(r.at(-1)!.toFixed(3)),
          auc_minus_torch: Number((birdLine.auc - torchLine.auc).toFixed(4)),
          rss_minus_torch_mb: birdLine.peak_rss_mb - torchLine.peak_rss_mb,
        }) + '\n',
      );
    }
  }
  for (const [engine, r] of ratios)
    if (repeat > 1)
      process.stdout.write(
        JSON.stringify({
          engine,
          runs: repeat,
          median_ratio_vs_torch: Number(median(r).toFixed(3)),
          ratios: r.map((x) => Number(x.toFixed(3))),
        }) + '\n',
      );
  const steps = Number(option('breakdown-steps') ?? 200);
  if (steps > 0)
    for (const line of await stepBreakdown(
      data,
      engines.filter((e) => e !== 'torch'),
      steps,
    ))
      process.stdout.write(JSON.stringify(line) + '\n');
}
