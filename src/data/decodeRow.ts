import { diagnostic, note } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import { DataError } from './dataError.js';
import { decodeField, type FieldSpec, type FieldValue } from './decodeField.js';
import type { DataFormat, RawRow } from './readRows.js';
import { columnSpecs } from './columnSpecs.js';

/** Where field `index` of a CSV line lies, honouring quotes. */
export function csvFieldSpan(raw: string, index: number, delimiter = ','): Span {
  let field = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= raw.length; i++) {
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    if ((c === delimiter && !quoted) || i === raw.length) {
      if (field === index) return { start, end: Math.max(start + 1, i) };
      field++;
      start = i + 1;
    }
  }
  return { start: 0, end: raw.length };
}

/** Where the value of `"key":` lies in a JSON line, or the whole line. */
function jsonFieldSpan(raw: string, key: string): Span {
  const at = raw.indexOf(`${JSON.stringify(key)}:`);
  if (at < 0) return { start: 0, end: raw.length };
  let start = at + JSON.stringify(key).length + 1;
  while (raw[start] === ' ') start++;
  let end = start;
  let depth = 0;
  let inString = false;
  for (; end < raw.length; end++) {
    const c = raw[end];
    if (inString) {
      if (c === '\\') end++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) break;
  }
  return { start, end: Math.max(start + 1, end) };
}

/**
 * Checks once that a file has every column the features need, then decodes rows: each
 * feature's value parsed by its kind, missing values defaulted, a bad value a
 * `DataError` pointing at the field in the row.
 */
export class RowDecoder {
  private checked = false;

  constructor(
    readonly path: string,
    readonly specs: readonly FieldSpec[],
    /** Columnar rows are shown as JSON objects, so they are framed as JSONL's are. */
    private readonly format: DataFormat,
  ) {}

  decode(row: RawRow): FieldValue[] {
    if (row.problem) throw new DataError(row.problem);
    const columns = [...row.values.keys()];
    if (!this.checked && this.format === 'csv') {
      for (const spec of this.specs) {
        const column = columnSpecs(spec).find((c) => !row.values.has(c.name))?.name;
        if (column === undefined) continue;
        const source = new SourceFile(this.path, columns.join(','), 0);
        const help = didYouMean(column, columns);
        throw new DataError(
          diagnostic(
            'missingColumn',
            { path: this.path, column },
            source,
            { start: 0, end: source.text.length },
            {
              label: 'the header',
              notes: [note('featureReadsColumn', { feature: spec.name })],
              ...(help ? { help } : { help: `the columns are ${columns.map((c) => `\`${c}\``).join(', ')}` }),
            },
          ),
        );
      }
      this.checked = true;
    }
    const decodeColumn = (spec: FieldSpec, column: string): FieldValue => {
      const raw = row.values.get(column);
      const result = decodeField(spec, raw);
      if (result.ok) return result.value;
      const index = columns.indexOf(column);
      const span = this.format === 'csv' ? csvFieldSpan(row.raw, index) : jsonFieldSpan(row.raw, column);
      const source = new SourceFile(this.path, row.raw, row.line - 1);
      const shown = typeof raw === 'string' ? `\`${raw.length > 40 ? raw.slice(0, 40) + '...' : raw}\`` : `\`${JSON.stringify(raw)}\``;
      throw new DataError(
        diagnostic('badValue', { expected: result.expected, column, found: shown }, source, span, {
          label: `feature \`${spec.name}\` is \`${spec.kind}\``,
        }),
      );
    };
    return this.specs.map((spec) => {
      if (spec.args['columns'] === undefined) return decodeColumn(spec, spec.name);
      // A feature group: each column read as a one-column feature of its kind, the values side by side.
      const values = columnSpecs(spec).map((one) => {
        const v = decodeColumn({ ...one, name: spec.name }, one.name);
        return v.kind === 'number' ? v.value : NaN;
      });
      return { kind: 'vector', values };
    });
  }
}
