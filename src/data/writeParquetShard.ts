import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DuckDBType } from '@duckdb/node-api';
import type { Batch } from '../ir/batch.js';
import type { ShardColumn } from './encodedShards.js';

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** DuckDB keeps chunks of at most this many rows (its vector size). */
const chunkRows = 2048;

/**
 * Writes batches as one Parquet file with DuckDB (the library that reads Parquet for the
 * data stage): the same columns as the Arrow IPC shard of `writeEncodedShard`, dense
 * values as FLOAT/INTEGER (a fixed block per row as a list of its values), ragged ids as
 * a list of INTEGER, their weights as a list of FLOAT named `NAME.values`; `encoded.json`'s
 * columns in the file's key-value metadata under `bird.columns`. The rows go into a table
 * of a DuckDB instance of its own whose memory is bounded and which spills to a temporary
 * folder, so memory stays flat; the table is copied to a temporary name and renamed.
 * Returns the rows written.
 */
export async function writeParquetShard(
  path: string,
  columns: readonly ShardColumn[],
  batches: AsyncIterable<Batch> | Iterable<Batch>,
): Promise<number> {
  const duck = await import('@duckdb/node-api');
  const { DuckDBInstance, DuckDBDataChunk, FLOAT, INTEGER, LIST, listValue } = duck;
  const spill = mkdtempSync(join(tmpdir(), 'bird-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB', temp_directory: spill });
  const con = await instance.connect();
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const names: string[] = [];
    const types: DuckDBType[] = [];
    for (const c of columns) {
      const scalar = c.dtype === 'f32' ? FLOAT : INTEGER;
      names.push(c.name);
      types.push(c.kind === 'sparse' ? LIST(INTEGER) : c.inner.length === 0 ? scalar : LIST(scalar));
      if (c.kind === 'sparse' && c.weighted) {
        names.push(`${c.name}.values`);
        types.push(LIST(FLOAT));
      }
    }
    await con.run(`CREATE TABLE shard (${names.map((n, i) => `${quoteIdent(n)} ${types[i]!.toString()}`).join(', ')})`);
    const appender = await con.createAppender('shard');
    let rows = 0;
    for await (const batch of batches) {
      for (let start = 0; start < batch.size; start += chunkRows) {
        const end = Math.min(batch.size, start + chunkRows);
        const chunk = DuckDBDataChunk.create(types, end - start);
        let k = 0;
        for (const c of columns) {
          const column = batch.columns.get(c.name);
          if (!column) throw new Error(`batch has no column \`${c.name}\``);
          if (column.kind === 'sparse') {
            const { ids, offsets } = column;
            const values = c.weighted ? (column.values ?? new Float32Array(ids.length).fill(1)) : undefined;
            const lists = [];
            const weights = [];
            for (let r = start; r < end; r++) {
              lists.push(listValue(Array.from(ids.subarray(offsets[r]!, offsets[r + 1]!))));
              if (values) weights.push(listValue(Array.from(values.subarray(offsets[r]!, offsets[r + 1]!))));
            }
            chunk.setColumnValues(k++, lists);
            if (values) chunk.setColumnValues(k++, weights);
            continue;
          }
          const width = c.inner.reduce((p, q) => p * q, 1);
          const data = column.data;
          if (c.inner.length === 0) chunk.setColumnValues(k++, Array.from(data.subarray(start, end)));
          else {
            const lists = [];
            for (let r = start; r < end; r++) lists.push(listValue(Array.from(data.subarray(r * width, (r + 1) * width))));
            chunk.setColumnValues(k++, lists);
          }
        }
        appender.appendDataChunk(chunk);
      }
      rows += batch.size;
    }
    appender.closeSync();
    const metadata = `KV_METADATA {'bird.columns': ${quoteString(JSON.stringify(columns))}}`;
    await con.run(`COPY shard TO ${quoteString(temp)} (FORMAT parquet, ${metadata})`);
    renameSync(temp, path);
    return rows;
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    con.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}
