import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { primitiveTable } from '../../src/ops/registry.js';
import { checkProgram } from '../../src/semantic/check.js';
import { applyOverrides, noteOverrides } from '../../src/semantic/overrides.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { expectGolden } from '../helpers/golden.js';
import { hostFor, repoRoot } from '../helpers/semanticCases.js';

const flights = join(repoRoot, 'models', 'flights.bird');

function checkWith(sets: readonly string[], path = flights) {
  const overridden = applyOverrides(new SourceFile(path, readFileSync(path, 'utf8')), sets);
  if (overridden.diagnostics.length > 0) return { overridden, diagnostics: overridden.diagnostics, checked: null };
  const checked = checkProgram(overridden.source, hostFor(join(path, '..')), primitiveTable);
  return { overridden, diagnostics: noteOverrides(checked.diagnostics, overridden), checked };
}

describe('--set PATH=VALUE', () => {
  test('a setting, constructor arguments (nested, added), a model parameter and a new setting all take effect in the compiled model', () => {
    const { diagnostics, checked, overridden } = checkWith([
      'epochs=3',
      'optimizer.lr=3e-3',
      'data.split.offset=2',
      'optimizer.beta1=0.8',
      'model.widths=[64, 32]',
      'seed=7',
      'epochs=4',
    ]);
    expect(diagnostics).toEqual([]);
    const graph = compileModel(checked!.models[0]!).graph;
    // The settings as the checker records them: constructors as `{ fn, args }`.
    const settings = graph.train!.settings as unknown as Record<
      string,
      { args: Record<string, { args: unknown } & Record<string, unknown>> }
    >;
    expect(graph.train!.settings['epochs']).toBe(4); // the later --set of a path wins
    expect(graph.train!.settings['seed']).toBe(7);
    expect(settings['optimizer']!.args['lr']).toBe(3e-3);
    expect(settings['data']!.args['split']!.args).toEqual({ every: 6, offset: 2 });
    expect(settings['optimizer']!.args['beta1']).toBe(0.8);
    // The model's hidden layers follow the parameter: 64 then 32 units.
    const widths = graph.nodes
      .filter((n) => n.op === 'param' && String(n.attrs['name']).includes('mlp') && (n.attrs['shape'] as number[]).length === 1)
      .map((n) => (n.attrs['shape'] as number[])[0]);
    expect(widths).toEqual([64, 32]);
    expect(overridden.applied.map((o) => [o.path, o.replaced])).toEqual([
      ['epochs', '1'],
      ['optimizer.lr', '1e-3'],
      ['data.split.offset', '5'],
      ['optimizer.beta1', null],
      ['model.widths', '[256, 128]'],
      ['seed', null],
      ['epochs', '3'],
    ]);
    // Each value lies where its region says, in the text that is checked; the first `epochs` was rewritten by the second.
    expect(overridden.regions.map((r) => [r.set, overridden.source.text.slice(r.span.start, r.span.end)]).sort()).toEqual(
      [
        ['optimizer.lr=3e-3', '3e-3'],
        ['data.split.offset=2', '2'],
        ['optimizer.beta1=0.8', '0.8'],
        ['model.widths=[64, 32]', '[64, 32]'],
        ['seed=7', '7'],
        ['epochs=4', '4'],
      ].sort(),
    );
  });

  test('a setting set by an earlier --set takes arguments from a later one', () => {
    const { diagnostics, checked } = checkWith(['optimizer=sgd(lr: 0.1)', 'optimizer.lr=0.05']);
    expect(diagnostics).toEqual([]);
    const optimizer = compileModel(checked!.models[0]!).graph.train!.settings['optimizer'] as { fn: string; args: Record<string, unknown> };
    expect([optimizer.fn, optimizer.args['lr']]).toEqual(['sgd', 0.05]);
  });

  // Each case: input.bird, sets.txt (one --set per line), errors.txt (what is reported, with the note naming the --set).
  const casesDir = join(repoRoot, 'test', 'cases', 'overrides');
  for (const name of readdirSync(casesDir)) {
    test(`case ${name}`, () => {
      const dir = join(casesDir, name);
      const sets = readFileSync(join(dir, 'sets.txt'), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      const { diagnostics } = checkWith(sets, join(dir, 'input.bird'));
      expect(diagnostics.length).toBeGreaterThan(0);
      expectGolden(
        join(dir, 'errors.txt'),
        renderDiagnostics(diagnostics)
          .split(dir + '/')
          .join(''),
      );
    });
  }
});
