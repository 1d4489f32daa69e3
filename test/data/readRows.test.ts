import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { DataError } from '../../src/data/dataError.js';
import { decodeField, type FieldSpec } from '../../src/data/decodeField.js';
import { csvFieldSpan, RowDecoder } from '../../src/data/decodeRow.js';
import { formatOf, readRows } from '../../src/data/readRows.js';
import { renderDiagnostic } from '../../src/diagnostics/renderDiagnostic.js';
import { expectGolden } from '../helpers/golden.js';

const casesDir = join(import.meta.dirname, '..', 'cases', 'data');

/** The features every data case is read as. */
const specs: FieldSpec[] = [
  { name: 'hour', kind: 'discrete', args: { n: 24 }, default: 0 },
  { name: 'distance', kind: 'continuous', args: {}, default: -1 },
  { name: 'origin', kind: 'string', args: {}, default: 'UNK' },
  { name: 'tags', kind: 'sparse_binary', args: {}, default: [] },
  { name: 'delayed', kind: 'binary', args: {}, default: 0 },
];

/** Reads a case's file to the end: decoded rows as JSON lines, or the rendered diagnostic. */
async function readCase(dir: string): Promise<string> {
  const file = readdirSync(dir).find((f) => f.startsWith('input.'))!;
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const decoder = new RowDecoder(file, specs, formatOf(file)!);
    const lines: string[] = [];
    for await (const row of readRows(file)) lines.push(`line ${row.line}: ${JSON.stringify(decoder.decode(row))}`);
    return lines.join('\n') + '\n';
  } catch (error) {
    if (error instanceof DataError) return renderDiagnostic(error.diagnostic);
    throw error;
  } finally {
    process.chdir(cwd);
  }
}

describe('data files', () => {
  const cases = readdirSync(casesDir).sort();
  test.each(cases)('%s', async (name) => {
    const out = await readCase(join(casesDir, name));
    expectGolden(join(casesDir, name, 'result.txt'), out);
    if (name.startsWith('ok-')) expect(out).not.toMatch(/^error/);
    else expect(out).toMatch(/^error\[BIRD7\d{3}\]/);
  });

  test('a bad data diagnostic names file, row and column with a frame on the field', async () => {
    const out = await readCase(join(casesDir, 'non-number'));
    expect(out).toContain('--> input.csv:3:3');
    expect(out).toContain('3 | 5,12 miles,SFO,x,0');
    expect(out).toContain('column `distance`');
  });

  test('reads only as far as asked: the first row of a 20,000-row gzip comes without reading it all', async () => {
    const started = performance.now();
    for await (const row of readRows(join(casesDir, 'truncated-gzip', 'input.csv.gz'))) {
      expect(row.line).toBe(2);
      break;
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('field decoding', () => {
  const spec = (kind: string, args: Record<string, number | number[]> = {}): FieldSpec => ({ name: 'x', kind, args, default: 0 });
  test('numbers, with defaults for missing values', () => {
    expect(decodeField(spec('continuous'), ' 2.5 ')).toEqual({ ok: true, value: { kind: 'number', value: 2.5 } });
    expect(decodeField(spec('continuous'), '')).toEqual({ ok: true, value: { kind: 'number', value: 0 } });
    expect(decodeField(spec('continuous'), null)).toEqual({ ok: true, value: { kind: 'number', value: 0 } });
    expect(decodeField(spec('continuous'), 'NaN')).toMatchObject({ ok: false });
    expect(decodeField(spec('binary'), 'true')).toEqual({ ok: true, value: { kind: 'number', value: 1 } });
    expect(decodeField(spec('discrete', { n: 3 }), '3')).toEqual({ ok: false, expected: 'an integer from 0 to 2' });
    expect(decodeField(spec('sample_weight'), '-1')).toMatchObject({ ok: false });
  });
  test('sparse keys and values, vectors and tokens', () => {
    expect(decodeField(spec('sparse_continuous'), 'a:0.5|b:2')).toEqual({
      ok: true,
      value: { kind: 'keys', keys: ['a', 'b'], values: [0.5, 2] },
    });
    expect(decodeField(spec('sparse_continuous'), { a: 1 })).toEqual({ ok: true, value: { kind: 'keys', keys: ['a'], values: [1] } });
    expect(decodeField(spec('sparse_continuous'), 'a|b')).toMatchObject({ ok: false });
    expect(decodeField(spec('embedding', { dim: 3 }), '1 2 3')).toEqual({ ok: true, value: { kind: 'vector', values: [1, 2, 3] } });
    expect(decodeField(spec('embedding', { dim: 3 }), [1, 2])).toMatchObject({ ok: false, expected: '3 numbers' });
    expect(decodeField(spec('sequence', { max: 4 }), ['a', 'b'])).toEqual({ ok: true, value: { kind: 'tokens', tokens: ['a', 'b'] } });
  });
  test('CSV field spans honour quotes', () => {
    const raw = 'a,"b,c",d';
    expect(raw.slice(csvFieldSpan(raw, 1).start, csvFieldSpan(raw, 1).end)).toBe('"b,c"');
    expect(raw.slice(csvFieldSpan(raw, 2).start, csvFieldSpan(raw, 2).end)).toBe('d');
  });
});
