/**
 * The PyTorch engine's done-when of issue 16: `models/flights.bird` on the full flights
 * file, read from Parquet parts (a glob), trained once by TF.js and once by `--engine
 * torch --nproc 2 --shard-format parquet` (the ranks train from encoded Parquet shards),
 * each scored by Bird on the same holdout; one JSON line per engine,
 * then the AUC difference (goal: within 0.002), then `bird export` and `bird verify` of
 * the torch run. Both train with the model's own settings (one epoch, batch 1,024, rows in
 * file order). One run of each differs by more than the goal from the seed alone (TF.js
 * moved 0.0193 between seeds 1 to 3), so --seeds=1,2,3 trains each engine once per seed
 * (`--set seed=S`, alternating the engines) and compares the medians. --shuffle=N trains
 * both with `shuffle = N` (N at least the training rows: a whole permutation each epoch),
 * where one epoch in file order ends on the last months' rows.
 *
 * Options: --rows=N (the file's first N rows; default all 3,000,000), --parts=N (Parquet
 * parts; default 4), --nproc=N (default 2), --seeds=S[,S...] (default 1, the model's own),
 * --engines=tfjs,torch[,onnxruntime] (default tfjs,torch: each compared with tfjs; Bird's
 * onnxruntime engine beside them shows how far two engines of the same arithmetic, the same
 * initial weights and the same batches drift apart over a full epoch),
 * --shard-format=arrow|parquet (the torch
 * engine's shards; default parquet). The ranks run under `BIRD_PYTHON`, else `.venv-torch`
 * (`.ci/python-torch-venv.sh`: PyTorch and pyarrow) where it exists.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { birdCli, fullData, median, root } from './peerRuns.js';

const auc = 'auc(p_delayed, labels.label_delayed15)';

/** The file's first `rows` rows as `parts` Parquet files, written by pyarrow (the project's .venv). */
function parquetParts(rows: number | undefined, parts: number, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const script = `
import pyarrow.csv as csv, pyarrow.parquet as pq
t = csv.read_csv(${JSON.stringify(fullData)})
t = t.slice(0, ${rows ?? 'None'} or t.num_rows)
size = (t.num_rows + ${parts} - 1) // ${parts}
for k in range(${parts}): pq.write_table(t.slice(k * size, size), ${JSON.stringify(dir)} + '/part-%05d.parquet' % k, row_group_size=131072)
print(t.num_rows)
`;
  const run = spawnSync(join(root, '.venv', 'bin', 'python'), ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`writing the Parquet parts failed (needs .venv with pyarrow: sh .ci/python-venv.sh):\n${run.stderr}`);
  return run.stdout.trim();
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (!existsSync(fullData)) throw new Error(`no data file at ${fullData}`);
  const rows = option('rows') === undefined ? undefined : Number(option('rows'));
  const parts = Number(option('parts') ?? 4);
  const nproc = Number(option('nproc') ?? 2);
  const shardFormat = option('shard-format') ?? 'parquet';
  const venvTorch = join(root, '.venv-torch', 'bin', 'python');
  // birdCli's children inherit this process's environment.
  if (!process.env['BIRD_PYTHON'] && existsSync(venvTorch)) process.env['BIRD_PYTHON'] = venvTorch;
  const dir = mkdtempSync(join(tmpdir(), 'bird-torch-flights-'));
  const started = performance.now();
  const total = parquetParts(rows, parts, join(dir, 'lake'));
  process.stdout.write(
    JSON.stringify({
      data: `${parts} Parquet parts`,
      rows: Number(total),
      prepare_s: Number(((performance.now() - started) / 1000).toFixed(1)),
    }) + '\n',
  );
  const data = join(dir, 'lake', 'part-*.parquet');
  const model = join(root, 'models', 'flights.bird');
  const seeds = (option('seeds') ?? '1').split(',').map(Number);
  const shuffle = option('shuffle');
  const shuffleSet = shuffle === undefined ? [] : ['--set', `shuffle=${Number(shuffle)}`];
  const engines = (option('engines') ?? 'tfjs,torch').split(',');
  if (!engines.includes('tfjs') || engines.some((e) => !['tfjs', 'torch', 'onnxruntime'].includes(e)))
    throw new Error('--engines lists tfjs (the reference) and any of torch, onnxruntime');
  const aucs: Record<string, number[]> = Object.fromEntries(engines.map((e) => [e, []]));
  let torchRun = '';
  for (const seed of seeds) {
    for (const engine of engines) {
      const out = join(dir, `${engine}-seed${seed}`);
      const t0 = performance.now();
      const torchFlags = engine === 'torch' ? ['--nproc', String(nproc), '--shard-format', shardFormat] : [];
      birdCli(['train', model, '--data', data, '--engine', engine, '--set', `seed=${seed}`, ...shuffleSet, '--out', out, ...torchFlags]);
      const record = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').pop()!) as Record<string, number>;
      const line = {
        engine,
        seed,
        ...(shuffle !== undefined ? { shuffle: Number(shuffle) } : {}),
        ...(engine === 'torch' ? { nproc, shard_format: shardFormat } : {}),
        train_rows: record['examples']!,
        steps: record['steps']!,
        train_s: record['train_s']!,
        examples_per_s: record['examples_per_s']!,
        auc: record[auc]!,
        logloss: record['logloss(p_delayed, labels.label_delayed15)']!,
        wall_s: Number(((performance.now() - t0) / 1000).toFixed(1)),
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      aucs[engine]!.push(record[auc]!);
      if (engine === 'torch') torchRun = out;
    }
  }
  const tfjsMedian = median(aucs['tfjs']!);
  for (const engine of engines.filter((e) => e !== 'tfjs')) {
    const m = median(aucs[engine]!);
    process.stdout.write(
      JSON.stringify({
        seeds,
        median_auc_tfjs: Number(tfjsMedian.toFixed(4)),
        [`median_auc_${engine}`]: Number(m.toFixed(4)),
        [`auc_${engine}_minus_tfjs`]: Number((m - tfjsMedian).toFixed(4)),
        // Per seed: both engines start from the same initial weights (Bird's, from the seed).
        [`per_seed_${engine}_minus_tfjs`]: aucs[engine]!.map((a, i) => Number((a - aucs['tfjs']![i]!).toFixed(4))),
        within_0_002: Math.abs(m - tfjsMedian) <= 0.002,
      }) + '\n',
    );
  }
  if (!engines.includes('torch')) return;
  // bird export reads golden rows from the run's data; report a failure instead of stopping.
  try {
    birdCli(['export', model, '--checkpoint', torchRun, '--out', join(dir, 'artifacts')]);
    const verified = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'verify', join(dir, 'artifacts', 'DelayMlp', '1.0.0')],
      { encoding: 'utf8', cwd: root },
    );
    process.stdout.write(JSON.stringify({ torch_run_exported: true, verified: verified.status === 0 }) + '\n');
    if (verified.status !== 0) process.stderr.write(verified.stdout + verified.stderr);
  } catch (error) {
    process.stdout.write(
      JSON.stringify({
        torch_run_exported: false,
        error: String((error as Error).message)
          .split('\n')
          .slice(0, 2)
          .join(' '),
      }) + '\n',
    );
  }
  process.stdout.write(`(files under ${dir})\n`);
}
