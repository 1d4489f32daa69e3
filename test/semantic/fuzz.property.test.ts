/**
 * Property tests of the checker and the IR: mutations of valid programs that usually stay
 * syntactically valid (a name, number, string or argument swapped for another) must give
 * diagnostics or a clean check, never an exception; every diagnostic span lies inside its
 * file; and any mutant that checks clean lowers to IR that the verifier accepts after
 * every pass. The seed is fixed (FUZZ_SEED overrides it; FUZZ_SCALE multiplies runs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { compileModel } from '../../src/ir/compileModel.js';
import { primitiveTable } from '../../src/ops/registry.js';
import { checkProgram } from '../../src/semantic/check.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { birdLexer } from '../../src/syntax/lexer.js';
import { hostFor, repoRoot } from '../helpers/semanticCases.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 0xb1_4d);
const SCALE = Math.max(0.01, Number(process.env['FUZZ_SCALE'] ?? 1));
const TIME_LIMIT_MS = 5000;

function okCases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'input.bird' && (e.parentPath.split('/').pop() ?? '').startsWith('ok-'))
    .map((e) => join(e.parentPath, e.name));
}

const corpus = [
  ...readdirSync(join(repoRoot, 'models'))
    .filter((f) => f.endsWith('.bird'))
    .map((f) => join(repoRoot, 'models', f)),
  join(repoRoot, 'test', 'cases', 'ir', 'stdlib-tour', 'input.bird'),
  join(repoRoot, 'test', 'fixtures', 'brief.bird'),
  ...okCases(join(repoRoot, 'test', 'cases', 'semantic')),
].map((path) => ({ path, text: readFileSync(path, 'utf8') }));

const NAMES = [
  'x',
  'f',
  'h',
  'dense',
  'mlp',
  'relu',
  'concat',
  'labels',
  'B',
  'D',
  'units',
  'widths',
  'param',
  'embedding_bag',
  'sum',
  'p',
  'bce',
  'auc',
  'one_hot',
  'zscore',
  'hash',
  'vocab',
  'layer_norm',
];
const NUMBERS = ['0', '1', '-1', '2', '3', '7', '64', '1000', '0.5', '1e-3', '100000', '1.0'];
const STRINGS = ['"relu"', '"mean"', '"none"', '"f32"', '"zeros"', '""', '"swish"'];

interface Token {
  readonly start: number;
  readonly end: number;
  readonly kind: 'name' | 'number' | 'string' | 'other';
}

function tokensOf(text: string): Token[] {
  return birdLexer()
    .tokenize(text)
    .tokens.map((t) => ({
      start: t.startOffset,
      end: t.startOffset + t.image.length,
      kind: /^[A-Za-z_]/.test(t.image) ? 'name' : /^\d/.test(t.image) ? 'number' : t.image.startsWith('"') ? 'string' : 'other',
    }));
}

const mutation = fc.record({
  file: fc.nat(),
  edits: fc.array(
    fc.record({ at: fc.nat(), pick: fc.nat(), how: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'duplicate') }),
    { minLength: 1, maxLength: 3 },
  ),
});

/** Applies edits to tokens of the kinds that keep a program parseable most of the time. */
function mutate(text: string, edits: readonly { at: number; pick: number; how: string }[]): string {
  let out = text;
  for (const e of edits) {
    const tokens = tokensOf(out).filter((t) => t.kind !== 'other');
    const t = tokens[e.at % Math.max(1, tokens.length)];
    if (!t) continue;
    const pool = t.kind === 'name' ? NAMES : t.kind === 'number' ? NUMBERS : STRINGS;
    const original = out.slice(t.start, t.end);
    const replacement =
      e.how === 'delete' ? '' : e.how === 'duplicate' ? `${original} ${original}` : (pool[e.pick % pool.length] ?? original);
    out = out.slice(0, t.start) + replacement + out.slice(t.end);
  }
  return out;
}

describe('checker and IR under mutation', () => {
  test('the corpus checks clean before mutation', () => {
    expect(corpus.length).toBeGreaterThan(4);
    for (const { path, text } of corpus) {
      const result = checkProgram(new SourceFile(path, text), hostFor(dirname(path)), primitiveTable);
      expect({ path, errors: result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message) }).toEqual({
        path,
        errors: [],
      });
    }
  });

  test('mutants give diagnostics or valid IR, never an exception', () => {
    let clean = 0;
    let failing = 0;
    fc.assert(
      fc.property(mutation, ({ file, edits }) => {
        const { path, text } = corpus[file % corpus.length]!;
        const mutant = mutate(text, edits);
        const started = performance.now();
        let result;
        try {
          result = checkProgram(new SourceFile(path, mutant), hostFor(dirname(path)), primitiveTable);
        } catch (e) {
          throw new Error(`check threw on a mutant of ${path}: ${(e as Error).stack ?? String(e)}\n--- mutant ---\n${mutant}`);
        }
        const elapsed = performance.now() - started;
        if (elapsed > TIME_LIMIT_MS) throw new Error(`check took ${elapsed.toFixed(0)} ms on a mutant of ${path}\n${mutant}`);
        for (const d of result.diagnostics) {
          for (const label of [d.primary, ...d.secondary]) {
            const length = label.source.text.length;
            if (!(label.span.start >= 0 && label.span.start <= label.span.end && label.span.end <= length)) {
              throw new Error(`${d.code} span ${JSON.stringify(label.span)} outside ${label.source.path} (${length} chars)\n${mutant}`);
            }
          }
        }
        if (result.diagnostics.some((d) => d.severity === 'error')) {
          failing++;
          return;
        }
        clean++;
        for (const model of result.models) {
          const compiled = compileModel(model);
          if (compiled.diagnostics.length > 0)
            throw new Error(`checked clean but the IR is invalid: ${compiled.diagnostics.map((d) => d.message).join('; ')}\n${mutant}`);
        }
      }),
      { seed: SEED, numRuns: Math.max(1, Math.round(120 * SCALE)) },
    );
    // Both outcomes must occur, or the mutations test nothing.
    expect(clean).toBeGreaterThan(0);
    expect(failing).toBeGreaterThan(0);
  });
});
