/**
 * The pipeline's small entry points called in-process, as a program embedding Bird calls
 * them: each returns `{ value, diagnostics }`, and a wrong argument throws `UsageError`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { SourceFile } from '../../src/source/sourceFile.js';
import { diffArtifacts } from '../../src/pipeline/diffArtifacts.js';
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
