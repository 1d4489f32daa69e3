import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { catalog } from '../../src/diagnostics/catalog.js';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Codes that no input can produce today; each needs a reason. */
const notProducibleByInput: Readonly<Record<string, string>> = {
  BIRD9001: 'internal errors are bugs, reported when a stage throws',
  BIRD6002: 'ONNX Runtime disagreeing with TF.js is a bug in a backend; test/backends/onnx compares them op by op and on whole models, and the export refuses on any disagreement',
  BIRD5001: 'the IR verifier failing after a pass is a compiler bug; test/ir/passes.test.ts feeds the verifier broken graphs directly',
};

describe('diagnostic catalog', () => {
  const entries = Object.entries(catalog);

  test('codes are unique and well formed', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^BIRD[1-9]\d{3}$/);
  });

  test('messages follow the style: lowercase start, no final period', () => {
    for (const [, e] of entries) {
      expect(e.message).toMatch(/^[a-z`{]/);
      expect(e.message).not.toMatch(/\.$/);
    }
  });

  test('every entry is used by the compiler', () => {
    const sources = filesUnder(join(root, 'src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('catalog.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const [key] of entries) expect(sources).toMatch(new RegExp(`['"]${key}['"]`));
  });

  test('every code a user can cause has a golden case', () => {
    const goldens = filesUnder(join(root, 'test', 'cases'))
      .filter((f) => f.endsWith('errors.txt') || f.endsWith('result.txt'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const [, e] of entries) {
      if (notProducibleByInput[e.code]) continue;
      expect({ code: e.code, tested: goldens.includes(`[${e.code}]`) }).toEqual({ code: e.code, tested: true });
    }
  });
});
