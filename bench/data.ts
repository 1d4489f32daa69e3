/**
 * Read throughput of training data: Bird's `readRows` on the flights file as CSV (gzip),
 * Parquet (DuckDB), three Parquet parts through a glob, and Arrow IPC (Apache Arrow JS),
 * beside pyarrow (the project's .venv) and pandas (Debian's python3-pandas, which reads
 * CSV; it has no Parquet engine without pyarrow) reading the same files, in the same run.
 *
 * Every reader reads the eight columns the flights model needs (projection: the Parquet
 * and Arrow readers skip the other two) and all rows; Bird's readers also hand every
 * row over as a record, which is what training consumes. Each read runs in its own
 * process, so `peak_rss_mb` is its own. Bird's Parquet read also runs on a quarter of the
 * rows: peak memory should not grow with the file (it streams; nothing holds the file).
 *
 * Options: `--rows=N` (first N rows of flights_3m.csv.gz; default all 3,000,000).
 * The converted files are cached under the system temp folder by row count.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullData, root } from './peerRuns.js';

const columns = ['hour', 'dayofweek', 'month', 'distance', 'origin', 'destination', 'route', 'label_delayed15'];
const venvPython = join(root, '.venv', 'bin', 'python');

/** Writes the CSV's first `rows` rows as gzip CSV, Parquet (128Ki-row groups), three Parquet parts and Arrow IPC, once. */
function prepare(rows: number, dir: string): void {
  if (existsSync(join(dir, 'done'))) return;
  mkdirSync(join(dir, 'parts'), { recursive: true });
  const script = `
import sys, pyarrow as pa, pyarrow.csv as csv, pyarrow.parquet as pq, pyarrow.feather as feather
t = csv.read_csv(${JSON.stringify(fullData)}).slice(0, ${rows})
d = ${JSON.stringify(dir)}
with pa.CompressedOutputStream(d + '/flights.csv.gz', 'gzip') as out: csv.write_csv(t, out)
pq.write_table(t, d + '/flights.parquet', row_group_size=131072)
third = (t.num_rows + 2) // 3
for k in range(3): pq.write_table(t.slice(k * third, third), d + '/parts/part-%05d.parquet' % k, row_group_size=131072)
feather.write_feather(t, d + '/flights.arrow', compression='uncompressed', chunksize=65536)
open(d + '/done', 'w').write('ok')
`;
  const run = spawnSync(venvPython, ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`preparing the files failed (needs .venv with pyarrow: sh .ci/python-venv.sh):\n${run.stderr}`);
}

function json(text: string): Record<string, number> {
  return JSON.parse(
    text
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop()!,
  ) as Record<string, number>;
}

function bird(format: string, path: string): Record<string, number> {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'dataRead.ts'), format, path, columns.join(',')], {
    encoding: 'utf8',
    cwd: root,
  });
  if (run.status !== 0) throw new Error(`bird read of ${path} failed:\n${run.stderr}`);
  return json(run.stdout);
}

/** A Python reader: `body` reads PATH into `n` rows; the wrapper times it and reports peak memory. */
function python(interpreter: string, body: string, path: string): Record<string, number> {
  const script = `
import json, resource, time
path = ${JSON.stringify(path)}
columns = ${JSON.stringify(columns)}
t0 = time.perf_counter()
${body}
s = time.perf_counter() - t0
print(json.dumps({"rows": n, "seconds": round(s, 2), "rows_per_s": round(n / s), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
`;
  const run = spawnSync(interpreter, ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${interpreter} failed:\n${run.stderr}`);
  return json(run.stdout);
}

// Streaming reads where the library has one (pyarrow's iter_batches and open_csv, pandas' chunks), so memory is comparable.
const pyarrowParquet = `import pyarrow.parquet as pq
n = sum(b.num_rows for b in pq.ParquetFile(path).iter_batches(batch_size=65536, columns=columns))`;
const pyarrowCsv = `import pyarrow.csv as csv
n = sum(b.num_rows for b in csv.open_csv(path, convert_options=csv.ConvertOptions(include_columns=columns)))`;
const pyarrowArrow = `import pyarrow as pa
r = pa.ipc.open_file(pa.memory_map(path))
n = sum(r.get_batch(i).select(columns).num_rows for i in range(r.num_record_batches))`;
const pandasCsv = `import pandas as pd
n = sum(len(c) for c in pd.read_csv(path, usecols=columns, chunksize=65536))`;

export function run(args: readonly string[]): void {
  const rowsArg = args.find((a) => a.startsWith('--rows='));
  const rows = rowsArg ? Number(rowsArg.slice('--rows='.length)) : 3_000_000;
  const dir = join(tmpdir(), `bird-bench-data-${rows}`);
  const quarter = join(tmpdir(), `bird-bench-data-${Math.floor(rows / 4)}`);
  process.stderr.write(`preparing ${rows} rows under ${dir}\n`);
  prepare(rows, dir);
  prepare(Math.floor(rows / 4), quarter);
  const emit = (reader: string, format: string, result: Record<string, number>): void => {
    process.stdout.write(JSON.stringify({ reader, format, ...result }) + '\n');
  };
  const results: Record<string, number> = {};
  const measure = (reader: string, format: string, result: Record<string, number>): void => {
    results[`${reader}/${format}`] = result['rows_per_s']!;
    emit(reader, format, result);
  };
  measure('bird', 'csv.gz', bird('csv', join(dir, 'flights.csv.gz')));
  measure('bird', 'parquet', bird('parquet', join(dir, 'flights.parquet')));
  measure('bird', 'parquet-glob-3', bird('parquet', join(dir, 'parts', 'part-*.parquet')));
  measure('bird', 'arrow', bird('arrow', join(dir, 'flights.arrow')));
  measure('bird', 'parquet-quarter', bird('parquet', join(quarter, 'flights.parquet')));
  measure('pyarrow', 'csv.gz', python(venvPython, pyarrowCsv, join(dir, 'flights.csv.gz')));
  measure('pyarrow', 'parquet', python(venvPython, pyarrowParquet, join(dir, 'flights.parquet')));
  measure('pyarrow', 'arrow', python(venvPython, pyarrowArrow, join(dir, 'flights.arrow')));
  if (spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0) {
    measure('pandas', 'csv.gz', python('/usr/bin/python3', pandasCsv, join(dir, 'flights.csv.gz')));
  } else process.stderr.write('pandas: not installed (apt-get install python3-pandas); skipped\n');
  process.stdout.write(
    JSON.stringify({
      summary: 'rows/s',
      parquet_vs_csv: Number((results['bird/parquet']! / results['bird/csv.gz']!).toFixed(2)),
      bird_vs_pyarrow_parquet: Number((results['bird/parquet']! / results['pyarrow/parquet']!).toFixed(3)),
      load: loadavg().map((l) => Number(l.toFixed(2))),
    }) + '\n',
  );
}
