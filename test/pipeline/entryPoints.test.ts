/**
 * The pipeline's small entry points called in-process, as a program embedding Bird calls
 * them: each returns `{ value, diagnostics }`, and a wrong argument throws `UsageError`.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { SourceFile } from '../../src/source/sourceFile.js';
import { compileFile } from '../../src/pipeline/compileFile.js';
import { diffArtifacts } from '../../src/pipeline/diffArtifacts.js';
import { encodeRun } from '../../src/pipeline/encodeRun.js';
import { graphFile } from '../../src/pipeline/graphFile.js';
import { formatSource } from '../../src/pipeline/formatSource.js';
import { reportRun } from '../../src/pipeline/reportRun.js';
import { UsageError } from '../../src/pipeline/usageError.js';

describe('formatSource', () => {
  test('the canonical form, changed only when it differs; formatting it again changes nothing', () => {
    const first = formatSource(new SourceFile('a.bird', 'bird 1\nfeatures F {   x:continuous }\n'));
    expect(first.value?.changed).toBe(true);
    expect(first.value?.text).toContain('x : continuous');
    const again = formatSource(new SourceFile('a.bird', first.value!.text));
    expect(again.value).toEqual({ text: first.value!.text, changed: false });
  });

  test('a file with syntax errors gives no text, only its diagnostics', () => {
    const r = formatSource(new SourceFile('a.bird', 'bird 1\nfeatures F {\n'));
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('BIRD1006');
  });
});

describe('reportRun', () => {
  test('a folder that is not a run is a usage error, and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    expect(() => reportRun(dir)).toThrow(UsageError);
    expect(() => reportRun(dir)).toThrow(/has no `config.json`/);
  });
});

describe('diffArtifacts', () => {
  test('an artifact that cannot be loaded is its diagnostic, not a throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    const r = diffArtifacts(join(dir, 'M', '1.0.0'), join(dir, 'M', '1.0.1'));
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['BIRD6004']);
    expect(r.diagnostics[0]!.primary.source.path).toBe(join(dir, 'M', '1.0.0', 'manifest.json'));
  });
});

describe('compileFile', () => {
  const cases = join(import.meta.dirname, '..', 'cases', 'pipeline');

  test('the IR of every model as text; --signature without onnx is a usage error', () => {
    const r = compileFile(join(cases, 'several-signatures', 'input.bird'), { emit: 'ir' });
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.output).toContain('sigmoid');
    expect(() => compileFile(join(cases, 'several-signatures', 'input.bird'), { emit: 'ir', signature: 'serve' })).toThrow(UsageError);
  });

  test('onnx with out: the one signature named is written; several and none named is BIRD3026, and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    const input = join(cases, 'several-signatures', 'input.bird');
    const refused = compileFile(input, { emit: 'onnx', out: join(dir, 'm.onnx') });
    expect(refused.value).toBeUndefined();
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['BIRD3026']);
    expect(existsSync(join(dir, 'm.onnx'))).toBe(false);
    const written = compileFile(input, { emit: 'onnx', signature: 'lite', out: join(dir, 'm.onnx') });
    expect(written.value?.written).toEqual({
      path: join(dir, 'm.onnx'),
      model: 'M',
      signature: 'lite',
      bytes: statSync(join(dir, 'm.onnx')).size,
    });
  });
});

describe('graphFile', () => {
  test('DOT of a file, titled with its model; a file with errors is its diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    const good = join(dir, 'g.bird');
    writeFileSync(good, 'bird 1\nfeatures F {\n  x : continuous\n}\nmodel M(f: F) {\n  out p = sigmoid(f.x)\n}\n');
    const r = await graphFile(good, { format: 'dot' });
    expect(r.value).toMatchObject({ model: 'M', title: 'M', format: 'dot', signature: null, out: null });
    expect(r.value?.text).toMatch(/^digraph/);
    const bad = join(dir, 'b.bird');
    writeFileSync(bad, 'bird 1\nmodel M(f: Nope) {\n}\n');
    const e = await graphFile(bad, { format: 'dot' });
    expect(e.value).toBeUndefined();
    expect(e.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('encodeRun', () => {
  test('a folder that is not a run is a usage error, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-pipe-'));
    await expect(encodeRun(dir, { out: join(dir, 'enc') })).rejects.toThrow(/has no `ir.json`/);
    expect(existsSync(join(dir, 'enc'))).toBe(false);
  });
});
