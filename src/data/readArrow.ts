import { open } from 'node:fs/promises';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { DataError } from './dataError.js';
import { columnarRow, missingColumnError } from './readParquet.js';
import type { RawRow, RawValue } from './readRows.js';

/** A time as DuckDB shows one read from Parquet (`2001-01-01 00:01:00`), so either format splits by date alike. */
function timeText(ms: number, dateOnly: boolean): string {
  const iso = new Date(ms).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** An Arrow value as the decoders take it: numbers, strings, booleans, lists as arrays; `time` says the column holds dates or timestamps (which Arrow JS gives as milliseconds). */
function plain(value: unknown, time?: 'date' | 'timestamp'): RawValue {
  if (value === null || value === undefined) return null;
  if (time !== undefined && (typeof value === 'number' || typeof value === 'bigint')) return timeText(Number(value), time === 'date');
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof (value as { toArray?: unknown }).toArray === 'function')
    return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), (v) => plain(v));
  return String(value);
}

/**
 * Streams the rows of an Arrow IPC file (the file format, `.arrow`/`.feather` v2, or the
 * stream format, `.arrows`) with Apache Arrow JS, one record batch in memory at a time:
 * the file is read through a handle, so a batch is read only when the consumer reaches it.
 */
export async function* readArrowRows(path: string, columns?: readonly string[]): AsyncGenerator<RawRow> {
  const { DataType, RecordBatchReader } = await import('apache-arrow');
  const handle = await open(path);
  try {
    let reader;
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (error) {
      const source = new SourceFile(path, '');
      throw new DataError(
        diagnostic('dataUnreadable', { path, reason: `not an Arrow IPC file (${(error as Error).message})` }, source, { start: 0, end: 0 }),
      );
    }
    const all = reader.schema.fields.map((f) => f.name);
    const names = columns ?? all;
    for (const name of names) if (!all.includes(name)) throw missingColumnError(path, name, all);
    const times = names.map((n) => {
      const type = reader.schema.fields.find((f) => f.name === n)!.type;
      return DataType.isDate(type) ? ('date' as const) : DataType.isTimestamp(type) ? ('timestamp' as const) : undefined;
    });
    let line = 0;
    for await (const batch of reader) {
      const vectors = names.map((n) => batch.getChild(n)!);
      for (let i = 0; i < batch.numRows; i++)
        yield columnarRow(
          ++line,
          names,
          vectors.map((v, k) => plain(v.get(i), times[k])),
        );
    }
  } finally {
    await handle.close();
  }
}
