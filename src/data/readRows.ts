import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, type Duplex, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { parse as csvParse } from 'csv-parse';
import { diagnostic, note, type Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../source/sourceFile.js';
import { DataError } from './dataError.js';
import { NotText, TextCheck, type TextProgress } from './textCheck.js';

/** A value as a data file holds it: CSV fields are strings; JSON keeps its types. */
export type RawValue = string | number | boolean | null | readonly RawValue[] | { readonly [key: string]: RawValue };

/** One record, with where it came from so a bad value can be shown in context. */
export interface RawRow {
  /** 1-based line of the record in the (decompressed) file. */
  readonly line: number;
  /** The record's text as written. */
  readonly raw: string;
  readonly values: ReadonlyMap<string, RawValue>;
  /** Set on a row that cannot be read (a ragged CSV row); the consumer fails or skips it. */
  readonly problem?: Diagnostic;
}

export type DataFormat = 'csv' | 'jsonl' | 'parquet' | 'arrow';

export function formatOf(path: string): DataFormat | undefined {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(arrow|arrows|feather|ipc)$/i.test(path)) return 'arrow';
  const plain = path.replace(/\.gz$/, '');
  if (/\.(csv|tsv)$/i.test(plain)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(plain)) return 'jsonl';
  return undefined;
}

/** A diagnostic about a whole file: it has no code to show, so the frame is empty. */
function fileError(key: 'dataUnreadable' | 'emptyData' | 'truncatedData', path: string, reason = ''): DataError {
  const source = new SourceFile(path, '');
  return new DataError(
    key === 'emptyData'
      ? diagnostic('emptyData', { path }, source, { start: 0, end: 0 })
      : diagnostic(key, { path, reason }, source, { start: 0, end: 0 }),
  );
}

/**
 * The file's bytes, decompressed when it ends in `.gz`, then `last` if given. Built with
 * `pipeline` so an error anywhere (a truncated gzip) reaches whoever iterates the result.
 */
function open(path: string, last?: Duplex, progress?: TextProgress): Readable {
  const streams: (Readable | Duplex)[] = [createReadStream(path)];
  if (path.endsWith('.gz')) streams.push(createGunzip());
  // Text formats only: the bytes must be UTF-8 text before a parser sees them.
  if (progress) streams.push(new TextCheck(progress));
  if (last) streams.push(last);
  if (streams.length === 1) return streams[0] as Readable;
  // The callback form keeps pipeline from throwing; the error surfaces through iteration.
  return pipeline(streams as unknown as [Readable, Duplex], () => undefined) as unknown as Readable;
}

/** Splits a byte stream into lines as they arrive. */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
  let rest = '';
  // A multi-byte character can straddle two chunks; the decoder holds its first bytes back.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p.replace(/\r$/, '');
  }
  rest += decoder.end();
  if (rest !== '') yield rest.replace(/\r$/, '');
}

/** A diagnostic at line `line` of a file whose text is not shown (binary, or past what was read). */
function atLine(path: string, line: number, d: (source: SourceFile) => ReturnType<typeof diagnostic>): DataError {
  return new DataError(d(new SourceFile(path, '', line - 1)));
}

/** The text of line `n` of a text data file and the lines after it, read again for a diagnostic. */
async function linesFrom(path: string, n: number, max: number): Promise<{ line: number; text: string }[]> {
  const found: { line: number; text: string }[] = [];
  let line = 0;
  try {
    for await (const text of linesOf(open(path))) {
      line++;
      if (line < n) continue;
      found.push({ line, text });
      if (found.length >= max) break;
    }
  } catch {
    // The file fails further on; what was read is enough.
  }
  return found;
}

/** csv-parse's own errors: `code` names the problem, `lines` the line it was found on. */
interface CsvParseError {
  readonly code: string;
  readonly message: string;
  readonly lines?: number;
}

const isCsvError = (e: unknown): e is CsvParseError =>
  typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('CSV_');

/**
 * Turns stream errors into data diagnostics, each with the file and the line: bytes that
 * are not text (`NotText`), csv-parse's errors (an unterminated quote at the line that
 * opens it, `afterLine` being the last line of the last complete record), a truncated
 * gzip at the line it cuts, a vanished file.
 */
async function streamError(error: unknown, path: string, progress?: TextProgress, afterLine = 0): Promise<DataError> {
  if (error instanceof DataError) return error;
  if (error instanceof NotText) {
    // The line as far as it reads, control and undecodable bytes shown as `·`, so the frame stays one printable line.
    const [row] = await linesFrom(path, error.line, 1);
    const shown = Array.from(row?.text ?? '', (c) => (c < ' ' || c === '\u007f' || c === '\ufffd' ? '·' : c))
      .slice(0, 60)
      .join('');
    const reason = `line ${error.line} ${error.reason.replace(/^it /, '')}`;
    return shown === ''
      ? atLine(path, error.line, (source) => diagnostic('notText', { path, reason }, source, { start: 0, end: 0 }))
      : new DataError(
          diagnostic('notText', { path, reason }, new SourceFile(path, shown, error.line - 1), { start: 0, end: shown.length }),
        );
  }
  if (isCsvError(error)) {
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The record after the last complete one opened the quote: its first line with a `"`.
      const open = (await linesFrom(path, afterLine + 1, 1000)).find((l) => l.text.includes('"'));
      if (open) {
        const at = open.text.indexOf('"');
        return new DataError(
          diagnostic(
            'unterminatedQuote',
            {},
            new SourceFile(path, open.text, open.line - 1),
            { start: at, end: at + 1 },
            { label: 'this quote opens a field that runs to the end of the file' },
          ),
        );
      }
      return atLine(path, afterLine + 1, (source) => diagnostic('unterminatedQuote', {}, source, { start: 0, end: 0 }));
    }
    const line = error.lines ?? afterLine + 1;
    const [row] = await linesFrom(path, line, 1);
    const text = row?.text ?? '';
    return new DataError(
      diagnostic(
        'invalidRecord',
        { expected: 'a CSV record', reason: error.message.replace(/^[^:]*: /, '').replace(/, value is .*$/s, '') },
        new SourceFile(path, text, line - 1),
        { start: 0, end: text.length },
      ),
    );
  }
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header check|invalid/i.test(e.message)) {
    if (progress && progress.lines > 0)
      return atLine(path, progress.lines + 1, (source) =>
        diagnostic('truncatedData', { path, reason: `${e.message}, after line ${progress.lines}` }, source, { start: 0, end: 0 }),
      );
    return fileError('truncatedData', path, e.message);
  }
  if (e.code === 'ENOENT') return fileError('dataUnreadable', path, 'no such file');
  if (e.code === 'EISDIR') return fileError('dataUnreadable', path, 'it is a directory');
  return fileError('dataUnreadable', path, e.message);
}

/** Refuses a header that names a column twice, at the second one. */
function checkHeader(path: string, header: readonly string[], raw: string, line: number): void {
  const seen = new Map<string, number>();
  for (const [i, name] of header.entries()) {
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, i);
      continue;
    }
    // Where the repeated name sits in the header as written (quoted or not).
    let from = 0;
    let at = -1;
    const nth = header.slice(0, i + 1).filter((h) => h === name).length;
    for (let k = 0; k < nth; k++) {
      at = raw.indexOf(name, from);
      if (at < 0) break;
      from = at + name.length;
    }
    const span = at < 0 ? { start: 0, end: raw.length } : { start: at, end: at + name.length };
    throw new DataError(
      diagnostic('duplicateColumn', { column: name }, new SourceFile(path, raw, line - 1), span, {
        label: `column ${i + 1} repeats column ${first + 1}`,
      }),
    );
  }
}

/**
 * Streams the records of a CSV or JSONL file, plain or gzipped, or of a Parquet or Arrow
 * IPC file, reading only as far as the consumer asks. The CSV header names the columns; a
 * row with a different number of fields, an empty file, a truncated gzip or a line that is
 * not a JSON object is a `DataError` naming the file and line. `columns` projects a
 * columnar file (only those columns are decoded, and each must exist); text formats are
 * read whole and ignore it.
 */
export async function* readRows(
  path: string,
  format: DataFormat | undefined = formatOf(path),
  columns?: readonly string[],
): AsyncGenerator<RawRow> {
  if (format === undefined)
    throw fileError('dataUnreadable', path, 'unknown format; name the file `.csv`, `.jsonl` (either with `.gz`), `.parquet` or `.arrow`');
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw fileError('dataUnreadable', path, 'it is a directory');
  } catch (error) {
    throw await streamError(error, path);
  }
  let count = 0;
  const progress: TextProgress = { lines: 0 };
  let afterLine = 0;
  try {
    if (format === 'parquet' || format === 'arrow') {
      const rows =
        format === 'parquet'
          ? (await import('./readParquet.js')).readParquetRows(path, columns)
          : (await import('./readArrow.js')).readArrowRows(path, columns);
      for await (const row of rows) {
        count++;
        yield row;
      }
    } else if (format === 'csv') {
      const delimiter = /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
      const parser = open(
        path,
        csvParse({ delimiter, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, bom: true }),
        progress,
      );
      let header: string[] | undefined;
      for await (const chunk of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
        const raw = chunk.raw.replace(/\r?\n$/, '');
        const line = chunk.info.lines - (raw.split('\n').length - 1);
        afterLine = chunk.info.lines;
        if (!header) {
          checkHeader(path, chunk.record, raw, line);
          header = chunk.record;
          continue;
        }
        if (chunk.record.length !== header.length) {
          const source = new SourceFile(path, raw, line - 1);
          count++;
          yield {
            line,
            raw,
            values: new Map(),
            problem: diagnostic(
              'raggedRow',
              { count: String(chunk.record.length), expected: String(header.length) },
              source,
              { start: 0, end: raw.length },
              {
                label: `${chunk.record.length} fields`,
                notes: [note('headerNames', { names: header.join(', ') })],
              },
            ),
          };
          continue;
        }
        count++;
        yield { line, raw, values: new Map(header.map((h, i) => [h, chunk.record[i]!])) };
      }
    } else {
      let line = 0;
      for await (const text of linesOf(open(path, undefined, progress))) {
        line++;
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          const source = new SourceFile(path, text, line - 1);
          throw new DataError(
            diagnostic('invalidRecord', { expected: 'a JSON object', reason: (error as Error).message }, source, {
              start: 0,
              end: text.length,
            }),
          );
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          const source = new SourceFile(path, text, line - 1);
          throw new DataError(
            diagnostic(
              'invalidRecord',
              { expected: 'a JSON object', reason: `found ${Array.isArray(value) ? 'an array' : typeof value}` },
              source,
              { start: 0, end: text.length },
            ),
          );
        }
        count++;
        yield { line, raw: text, values: new Map(Object.entries(value as Record<string, RawValue>)) };
      }
    }
  } catch (error) {
    throw await streamError(error, path, progress, afterLine);
  }
  if (count === 0) throw fileError('emptyData', path);
}
