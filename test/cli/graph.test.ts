import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { writeArtifact } from '../../src/artifact/writeArtifact.js';
import { runCli } from '../../src/cli/runCli.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { graphDot } from '../../src/ir/graphDot.js';
import type { IrGraph } from '../../src/ir/ir.js';
import { artifactInput } from '../artifact/fixtures.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const flights = join(repoRoot, 'models', 'flights.bird');
/** The features and labels declarations of models/flights.bird, which a picture drawn from the file names. */
const setNames = { feature: 'Flight', label: 'Flight' };
const temp = (): string => mkdtempSync(join(tmpdir(), 'bird-graph-'));

function flightsGraph(): IrGraph {
  const [model] = checkFile(join('models', 'flights.bird'), repoRoot).models;
  return compileModel(model!).graph;
}

/**
 * Whether `xml` is well formed as far as an SVG needs: after the prolog, comments and
 * doctype, every element closes in order and one `svg` element holds the rest.
 */
function wellFormed(xml: string): boolean {
  const body = xml
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1 && /^\s*<svg[\s>]/.test(body);
}

/** The text of every `<text>` element of an SVG, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&#45;/g, '-')
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&')
      .replace(/&#160;/g, ' '),
  );
}

describe('bird graph', () => {
  test('draws a .bird file as SVG: clusters by call path, node labels, shapes on edges', async () => {
    const r = await bird('graph', flights);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(wellFormed(r.stdout)).toBe(true);
    expect(r.stdout).toContain('<title>cluster_mlp_0/dense_0</title>');
    expect(r.stdout).toContain('<title>cluster_features</title>');
    const texts = svgTexts(r.stdout);
    for (const t of [
      'DelayMlp',
      'features Flight',
      'labels Flight',
      'mlp_0',
      'dense_0',
      'w [94, 256]',
      '|> zscore',
      'out p_delayed',
      'loss',
      'f32[B, 256]',
    ])
      expect(texts).toContain(t);
  }, 60_000);

  test('--format dot prints the DOT of the compiled IR; --out writes it, the format following the extension', async () => {
    const dot = await bird('graph', flights, '--format', 'dot');
    expect(dot.code).toBe(0);
    expect(dot.stdout).toBe(graphDot(flightsGraph(), { setNames }));
    const dir = temp();
    const written = await bird('graph', flights, '--out', join(dir, 'flights.dot'));
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toBe(`wrote the graph of DelayMlp to ${join(dir, 'flights.dot')}\n`);
    expect(readFileSync(join(dir, 'flights.dot'), 'utf8')).toBe(dot.stdout);
    const svg = await bird('graph', flights, '--out', join(dir, 'flights.svg'), '--json');
    expect(svg.code).toBe(0);
    expect(JSON.parse(svg.stdout)).toEqual({ out: join(dir, 'flights.svg'), model: 'DelayMlp', format: 'svg', signature: null });
    expect(wellFormed(readFileSync(join(dir, 'flights.svg'), 'utf8'))).toBe(true);
  }, 60_000);

  test('--signature draws only what the signature needs, with the signature in the title', async () => {
    const r = await bird('graph', flights, '--signature', 'serve', '--format', 'dot');
    expect(r.code).toBe(0);
    const graph = flightsGraph();
    expect(r.stdout).toBe(graphDot(graph, { signature: graph.signatures[0]!, title: 'DelayMlp: signature serve @ 1.0.0', setNames }));
    expect(r.stdout).not.toContain('label_delayed15');
  });

  test('a damaged artifact is BIRD6004, exit 1, and nothing is written', async () => {
    const dir = writeArtifact(temp(), artifactInput({ graph: flightsGraph() }));
    writeFileSync(join(dir, 'ir.json'), readFileSync(join(dir, 'ir.json'), 'utf8').replace('"DelayMlp"', '"Other"'));
    const out = join(temp(), 'g.svg');
    const r = await bird('graph', dir, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[BIRD6004\]: `ir.json` of .* does not match its manifest/);
    expect(() => readFileSync(out)).toThrow();
    const missing = await bird('graph', join(temp(), 'nope', '1.0.0'), '--json');
    expect(missing.code).toBe(1);
    expect((JSON.parse(missing.stdout) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe('BIRD6004');
  });

  test('a .bird file with errors prints its diagnostics and exits 1', async () => {
    const r = await bird('graph', join(repoRoot, 'test', 'cases', 'semantic', 'shapes', 'shape-mismatch', 'input.bird'));
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain('error[BIRD4001]');
  });

  test('no such model or signature, several models, no model: a diagnostic at the file (exit 1)', async () => {
    const dir = temp();
    const two = join(dir, 'two.bird');
    writeFileSync(
      two,
      'bird 1\n\nfeatures F {\n  x : continuous\n}\n\nmodel A(f: F) {\n  out p = sigmoid(f.x)\n}\n\nmodel B(f: F) {\n  out q = sigmoid(f.x)\n}\n',
    );
    const none = join(dir, 'none.bird');
    writeFileSync(none, 'bird 1\n\nconst A = 1\n');
    const cases: [string[], string][] = [
      [['graph', flights, '--model', 'Nope'], 'error[BIRD2021]: no model `Nope` in `' + flights + '`'],
      [['graph', flights, '--signature', 'nope'], 'error[BIRD3025]: model `DelayMlp` has no signature `nope`'],
      [['graph', two], 'error[BIRD2022]: `' + two + '` declares several models (`A`, `B`)'],
      [['graph', none], 'error[BIRD2020]: `' + none + '` declares no model'],
    ];
    for (const [argv, message] of cases) {
      const r = await bird(...argv);
      expect({ argv, code: r.code, stdout: r.stdout, first: r.stderr.split('\n')[0] }).toEqual({
        argv,
        code: 1,
        stdout: '',
        first: message,
      });
    }
  });

  test('usage errors exit 2: --model with an artifact, an unwritable --out, a bad --format', async () => {
    const dir = temp();
    const two = join(dir, 'two.bird');
    writeFileSync(
      two,
      'bird 1\n\nfeatures F {\n  x : continuous\n}\n\nmodel A(f: F) {\n  out p = sigmoid(f.x)\n}\n\nmodel B(f: F) {\n  out q = sigmoid(f.x)\n}\n',
    );
    const none = join(dir, 'none.bird');
    writeFileSync(none, 'bird 1\n\nconst A = 1\n');
    const artifact = writeArtifact(temp(), artifactInput({ graph: flightsGraph() }));
    const cases: [string[], string][] = [
      [['graph', artifact, '--model', 'DelayMlp'], 'error: `--model` chooses a model of a .bird file; an artifact holds one model'],
      [
        ['graph', flights, '--out', join(flights, 'g.svg')],
        'error: cannot write `' + join(flights, 'g.svg') + '`: `' + flights + '` is a file, not a folder',
      ],
      [['graph', join(dir, 'missing.bird')], 'error: cannot read `' + join(dir, 'missing.bird') + '`: no such file'],
      [['graph', flights, '--format', 'png'], 'error: Invalid values:'],
    ];
    for (const [argv, message] of cases) {
      const r = await bird(...argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr.startsWith(message)).toBe(true);
    }
    const b = await bird('graph', two, '--model', 'B', '--format', 'dot');
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^digraph "B" \{/);
  });

  test('--help shows the flags and examples', async () => {
    const r = await bird('graph', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--model', '--signature', '--format', '--out', 'Examples:']) expect(r.stdout).toContain(flag);
  });
});
