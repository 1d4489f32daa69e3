import { dataFiles } from './dataFiles.js';
import { formatOf, readRows, type DataFormat, type RawRow } from './readRows.js';

/** A row with the file it came from: a diagnostic about it names that file. */
export interface FileRow {
  readonly file: string;
  readonly format: DataFormat | undefined;
  readonly row: RawRow;
}

/**
 * The rows of every file a data path names, as one stream: the file itself, or each file
 * a glob matches, in path order (`dataFiles`), so row indices (and the splits computed
 * from them) are the same wherever a path is read: training, export's golden rows and
 * comparisons, `bird verify --data`, `bird predict`. `format` is the one the data setting
 * names (`parquet(...)`), else each file's extension says; `columns` projects columnar
 * files as `readRows` does.
 */
export async function* readDataRows(path: string, format?: DataFormat, columns?: readonly string[]): AsyncGenerator<FileRow> {
  for (const file of await dataFiles(path)) {
    const own = format ?? formatOf(file);
    for await (const row of readRows(file, own, columns)) yield { file, format: own, row };
  }
}
