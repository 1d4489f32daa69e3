import type { IrFeature } from '../ir/ir.js';
import { DataError } from './dataError.js';
import { sourcePath, type DataSource } from './dataset.js';
import { RowDecoder } from './decodeRow.js';
import { readDataRows } from './readDataRows.js';
import { clientText, type ClientRow } from './signatureFeeds.js';
import { partOf, type Part } from './split.js';

/**
 * Rows of a data source as a serving client holds them (every field as text), in file
 * order: the first `limit` of one part, or of the whole file when `part` is omitted. A
 * glob is read as the data stage reads it: every file it matches, in path order, one
 * stream whose row indices the split counts across files.
 * With `check`, each row is decoded as the data stage decodes those features first: a bad
 * row is a `DataError` pointing into the file (`bad: 'fail'`) or is left out (`'skip'`).
 */
export async function clientRows(
  source: DataSource | string,
  limit: number,
  part?: Part,
  check?: { readonly features: readonly IrFeature[]; readonly bad: 'fail' | 'skip' },
): Promise<ClientRow[]> {
  const path = typeof source === 'string' ? source : sourcePath(source, part ?? 'test');
  if (path === undefined) return [];
  const split = typeof source !== 'string' && source.kind === 'file' && part !== undefined ? source.split : undefined;
  const format = typeof source !== 'string' && source.kind === 'file' ? source.format : undefined;
  // A decoder per file, so a bad value is shown in its own file.
  let decoder: { file: string; decoder: RowDecoder } | undefined;
  const rows: ClientRow[] = [];
  let index = 0;
  for await (const { file, format: own, row } of readDataRows(path, format)) {
    const mine = split === undefined || partOf(split, index, row) === part;
    index++;
    if (!mine) continue;
    if (check && decoder?.file !== file) decoder = { file, decoder: new RowDecoder(file, check.features, own ?? 'csv') };
    try {
      if (row.problem) throw new DataError(row.problem);
      decoder?.decoder.decode(row);
    } catch (error) {
      if (!(error instanceof DataError) || check?.bad !== 'skip') throw error;
      continue;
    }
    rows.push(Object.fromEntries([...row.values].map(([k, v]) => [k, clientText(v)])));
    if (rows.length >= limit) break;
  }
  return rows;
}

/** Rows as CSV text with a header, quoting fields that need it: how rows reach the data stage from memory. */
export function csvText(rows: readonly ClientRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.map(quote).join(','), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n';
}
