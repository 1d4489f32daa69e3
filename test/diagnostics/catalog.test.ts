import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { catalog, labelCatalog, noteCatalog } from '../../src/diagnostics/catalog.js';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The catalog itself: `catalog.ts` and the per-stage tables under `catalog/`. */
function isCatalogFile(path: string): boolean {
  return path.endsWith('catalog.ts') || path.includes(join('diagnostics', 'catalog', ''));
}

/** Each stage's table, read as text: the keys it declares at the top level. */
function keysDeclaredIn(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/^ {2}(\w+): \{$/gm)].map((m) => m[1]!);
}

/** Codes that no input can produce today; each needs a reason. */
const notProducibleByInput: Readonly<Record<string, string>> = {
  BIRD9001: 'internal errors are bugs, reported when a stage throws',
  BIRD6002:
    'ONNX Runtime disagreeing with TF.js is a bug in a backend; test/backends/onnx compares them op by op and on whole models, and the export refuses on any disagreement',
  BIRD5001: 'the IR verifier failing after a pass is a compiler bug; test/ir/passes.test.ts feeds the verifier broken graphs directly',
};

describe('diagnostic catalog', () => {
  const entries = Object.entries(catalog);

  test('no key is declared by two stage tables (a spread would silently keep only the last)', () => {
    const dir = join(root, 'src', 'diagnostics', 'catalog');
    const declared = readdirSync(dir).flatMap((f) => keysDeclaredIn(join(dir, f)));
    expect(declared.length).toBe(entries.length);
    expect(new Set(declared).size).toBe(declared.length);
  });

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
      .filter((f) => f.endsWith('.ts') && !isCatalogFile(f))
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

describe('secondary labels and notes', () => {
  const sources = filesUnder(join(root, 'src'))
    .filter((f) => f.endsWith('.ts') && !isCatalogFile(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  test.each([
    ['label', labelCatalog, 'secondaryLabel'],
    ['note', noteCatalog, 'note'],
  ] as const)('every %s template is used by the compiler, through its builder', (_kind, table, builder) => {
    // Whitespace may separate the call from its key: the formatter breaks long calls after `(`.
    for (const key of Object.keys(table))
      expect({ key, used: new RegExp(`\\b${builder}\\(\\s*'${key}'`).test(sources) }).toEqual({ key, used: true });
  });

  test('label and note texts follow the message style: lowercase start, no final period', () => {
    for (const text of [...Object.values(labelCatalog), ...Object.values(noteCatalog)]) {
      expect(text).toMatch(/^[a-z`{]/);
      expect(text).not.toMatch(/\.$/);
    }
  });

  test('only the builders make catalog text: no cast to CatalogText elsewhere', () => {
    // CatalogText is a branded string, so the type checker refuses a plain string as a
    // secondary label or a note; a cast would get around that.
    const casting = filesUnder(join(root, 'src'))
      .filter((f) => f.endsWith('.ts') && readFileSync(f, 'utf8').includes('as CatalogText'))
      .map((f) => f.slice(root.length + 1));
    expect(casting).toEqual(['src/diagnostics/diagnostic.ts']);
  });
});
