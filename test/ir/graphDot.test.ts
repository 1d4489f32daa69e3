import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { compileModel } from '../../src/ir/compileModel.js';
import { graphDot, shortValue, type GraphDotOptions } from '../../src/ir/graphDot.js';
import type { IrGraph, IrNode } from '../../src/ir/ir.js';
import { expectGolden } from '../helpers/golden.js';
import { checkFile, repoRoot } from '../helpers/semanticCases.js';

const goldens = join(repoRoot, 'test', 'cases', 'graph');

/** Every bundled model (new ones are covered as they are added), and the case that uses every standard-library block. */
const programs = [
  ...readdirSync(join(repoRoot, 'models'))
    .filter((f) => f.endsWith('.bird'))
    .map((f) => ({ name: f.replace(/\.bird$/, ''), path: join('models', f) })),
  { name: 'stdlib-tour', path: join('test', 'cases', 'ir', 'stdlib-tour', 'input.bird') },
];

/** Each model of the file as IR, with the options `bird graph` gives it (the names of its features and labels). */
function compiled(path: string): { graph: IrGraph; options: GraphDotOptions }[] {
  const result = checkFile(path, repoRoot);
  expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
  return result.models.map((m) => {
    const c = compileModel(m);
    expect(renderDiagnostics(c.diagnostics)).toBe('');
    return { graph: c.graph, options: { setNames: { feature: m.features.name, ...(m.labels ? { label: m.labels.name } : {}) } } };
  });
}

/** The DOT statements `a -> b [label="..."]` as [from, to, label]. */
function edges(dot: string): [string, string, string][] {
  return [...dot.matchAll(/^\s*(\w+) -> (\w+) \[label="([^"]*)"\]$/gm)].map((m) => [m[1]!, m[2]!, m[3]!]);
}

/** The node statements `n12 [label="..."...]` as id to label. */
function nodeLabels(dot: string): Map<string, string> {
  return new Map([...dot.matchAll(/^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

describe.each(programs)('graph of $name', ({ name, path }) => {
  const graphs = compiled(path);

  test('matches its golden DOT, for the whole model and for each signature', () => {
    for (const { graph: g, options } of graphs) {
      const stem = graphs.length > 1 ? `${name}.${g.model}` : name;
      expectGolden(join(goldens, `${stem}.dot`), graphDot(g, options));
      for (const s of g.signatures) expectGolden(join(goldens, `${stem}.${s.name}.dot`), graphDot(g, { ...options, signature: s }));
    }
  });

  test('draws every op node but no parameter or constant, each edge labelled with the type it carries', () => {
    for (const { graph: g } of graphs) {
      const dot = graphDot(g);
      const labels = nodeLabels(dot);
      const drawn = g.nodes.filter((n) => n.op !== 'param' && n.op !== 'const');
      for (const n of drawn) expect(labels.has(`n${n.id}`)).toBe(true);
      for (const n of g.nodes.filter((n) => n.op === 'param' || n.op === 'const')) expect(labels.has(`n${n.id}`)).toBe(false);
      const byId = new Map<string, IrNode>(g.nodes.map((n) => [`n${n.id}`, n]));
      const all = edges(dot);
      for (const [from, to] of all) expect(labels.has(from) && labels.has(to)).toBe(true);
      // An edge's label is its source's type, printed as the IR prints it.
      for (const [from, , label] of all)
        expect(label).toMatch(byId.get(from)!.type.kind === 'tensor' ? /^(f32|i32|i64|bool|string)\[[^\]]*\](\/\d+)?$/ : /^sparse</);
      const pairs = new Set(all.map(([from, to]) => `${from}->${to}`));
      const missing = drawn.flatMap((n) =>
        n.inputs
          .filter((i) => g.nodes[i]!.op !== 'param' && g.nodes[i]!.op !== 'const' && !pairs.has(`n${i}->n${n.id}`))
          .map((i) => `%${i} -> %${n.id}`),
      );
      expect(missing).toEqual([]);
    }
  });

  test('a signature draws only what its outputs need: no labels, loss or metrics', () => {
    for (const { graph: g } of graphs) {
      for (const s of g.signatures) {
        const dot = graphDot(g, { signature: s });
        expect(dot).not.toContain('cluster_labels');
        expect(dot).not.toMatch(/^\s*(loss|metric_\d+) \[/m);
        for (const o of s.outputs) expect(dot).toContain(`[label="${o.alias}`);
      }
    }
  });
});

describe('graphDot', () => {
  const flights = compiled(join('models', 'flights.bird'))[0]?.graph;

  test('nests block calls by call path and lists parameters in the label of the node that uses them', () => {
    const dot = graphDot(flights!);
    const mlp = dot.indexOf('subgraph "cluster_mlp_0" {');
    const dense = dot.indexOf('subgraph "cluster_mlp_0/dense_0" {');
    expect(mlp).toBeGreaterThan(0);
    expect(dense).toBeGreaterThan(mlp);
    const matmul = flights!.nodes.find((n) => n.op === 'matmul' && n.scope === 'mlp_0/dense_0')!;
    expect(nodeLabels(dot).get(`n${matmul.id}`)).toBe('matmul\\nw [94, 256]');
  });

  test('features and their transforms share a cluster, the outputs, loss and metrics are end points', () => {
    const dot = graphDot(flights!);
    const features = dot.slice(dot.indexOf('subgraph cluster_features {'), dot.indexOf('subgraph cluster_labels {'));
    expect(features).toContain('label="distance\\ncontinuous = 0"');
    expect(features).toContain('label="|> log1p"');
    expect(features).toContain('label="|> vocab\\nmax: 4000"');
    expect(dot).toMatch(/^ {2}out_0 \[label="out p_delayed"/m);
    expect(dot).toMatch(/^ {2}loss \[label="loss"/m);
    expect(edges(dot).filter(([, to]) => to.startsWith('metric_'))).toHaveLength(3);
  });

  test('fitted transforms show their statistics compactly, a long vocabulary counted', () => {
    const nodes = flights!.nodes.map((n) =>
      n.op === 'zscore'
        ? { ...n, attrs: { mean: 6.380123, std: 0.81 } }
        : n.op === 'vocab_lookup'
          ? { ...n, attrs: { ...n.attrs, vocabulary: ['ORD', 'LAX', 'DFW', 'ATL', 'SFO'] } }
          : n,
    );
    const dot = graphDot({ ...flights!, nodes }, { title: 'DelayMlp 1.0.0' });
    expect(dot).toContain('label="|> zscore\\nmean: 6.38\\nstd: 0.81"');
    expect(dot).toContain('label="|> vocab\\nmax: 300\\nvocabulary: 5 values"');
    expect(dot).toContain('graph [label="DelayMlp 1.0.0"');
  });

  test('the clusters of features and labels carry the names of their declarations when given', () => {
    expect(graphDot(flights!, { setNames: { feature: 'Flight', label: 'Delay' } })).toMatch(
      /cluster_features \{\n {4}label="features Flight";[^]*cluster_labels \{\n {4}label="labels Delay";/,
    );
    expect(graphDot(flights!)).toMatch(/cluster_features \{\n {4}label="features";/);
  });

  test('an output named differently by a signature shows both names', () => {
    const signature = { name: 'score', version: '2.0.0', inputs: [], outputs: [{ name: 'p_delayed', alias: 'p' }] };
    expect(graphDot(flights!, { signature })).toContain('out_0 [label="p (p_delayed)"');
  });

  test('quotes and backslashes in names are escaped for DOT', () => {
    expect(graphDot({ ...flights!, model: 'a"b\\c' })).toMatch(/^digraph "a\\"b\\\\c" \{/);
  });

  test('short values', () => {
    expect(shortValue(1e-7)).toBe('1e-7');
    expect(shortValue(0.123456)).toBe('0.1235');
    expect(shortValue([0, 1])).toBe('[0, 1]');
    expect(shortValue([1, 2, 3, 4, 5])).toBe('5 values');
    expect(shortValue({ a: 1 })).toBe('{"a":1}');
    expect(shortValue(null)).toBe('null');
  });
});
