/**
 * One read for `npm run bench -- data`, in its own process so its peak memory is its own:
 * `dataRead.ts FORMAT PATH COLUMNS` streams every row of PATH (a glob allowed) through
 * `readRows`, projected on COLUMNS (comma-separated), touching each value, and prints
 * one JSON line: rows, seconds, rows per second, peak RSS.
 */
import { dataFiles } from '../src/data/dataFiles.js';
import { readRows, type DataFormat } from '../src/data/readRows.js';

const [format, path, columnList] = process.argv.slice(2) as [DataFormat, string, string];
const columns = columnList.split(',');
const started = performance.now();
let rows = 0;
let touched = 0;
for (const file of await dataFiles(path)) {
  for await (const row of readRows(file, format, columns)) {
    rows++;
    for (const c of columns) if (row.values.get(c) !== undefined) touched++;
  }
}
const seconds = (performance.now() - started) / 1000;
if (touched !== rows * columns.length) throw new Error(`only ${touched} of ${rows * columns.length} values were read`);
process.stdout.write(
  JSON.stringify({
    rows,
    seconds: Number(seconds.toFixed(2)),
    rows_per_s: Math.round(rows / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
