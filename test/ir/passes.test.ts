import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { IrGraph, IrNode } from '../../src/ir/ir.js';
import { lower } from '../../src/ir/lower.js';
import { constantFoldPass } from '../../src/ir/passes/constantFold.js';
import { csePass } from '../../src/ir/passes/cse.js';
import { deadCodePass } from '../../src/ir/passes/dce.js';
import { inlinePass } from '../../src/ir/passes/inline.js';
import { passes } from '../../src/ir/passes/pipeline.js';
import { specializeShapesPass } from '../../src/ir/passes/specializeShapes.js';
import { verifyIr } from '../../src/ir/verify.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { checkFile } from '../helpers/semanticCases.js';

function graphOf(body: string): IrGraph {
  const dir = mkdtempSync(join(tmpdir(), 'bird-ir-'));
  const path = join(dir, 'm.bird');
  writeFileSync(path, `bird 1\nimport std.nn { dense }\nfeatures F {\n  x : continuous\n}\n${body}\n`);
  const result = checkFile(path, dir);
  expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
  return lower(result.models[0]!);
}

const ops = (g: IrGraph): string[] => g.nodes.map((n) => n.op);

describe('passes', () => {
  test('are listed in order in one pipeline', () => {
    expect(passes.map((p) => p.name)).toEqual([
      'inline',
      'downsample-correction',
      'constant-folding',
      'common-subexpression-elimination',
      'dead-code-elimination',
      'shape-specialization',
    ]);
  });

  test('inline replaces calls by the function bodies and scopes parameter names', () => {
    const g = graphOf('model M(f: F) {\n  out p = dense(dense(f.x, 4), 1)\n}');
    expect(g.functions.map((f) => f.name)).toEqual(['dense', 'dense$1']);
    expect(ops(g).filter((o) => o === 'call')).toHaveLength(2);
    const flat = inlinePass.run(g, {});
    expect(verifyIr(flat, { inlined: true })).toEqual([]);
    expect(flat.nodes.filter((n) => n.op === 'param').map((n) => [n.attrs['name'], n.scope])).toEqual([
      ['dense_0/w', 'dense_0'],
      ['dense_0/b', 'dense_0'],
      ['dense_1/w', 'dense_1'],
      ['dense_1/b', 'dense_1'],
    ]);
  });

  test('the calls of a shared(...) block read one set of weights, named by the shared name wherever they are made', () => {
    const g = graphOf(
      'block T(x: f32[N, D]) -> f32[N, 2] {\n  return dense(x, 2)\n}\nblock Outer(x: f32[N, D], t: any) -> f32[N, 2] {\n  return t(x)\n}\nmodel M(f: F) {\n  t = shared(T, "tw")\n  out p = t(f.x) + Outer(f.x * 2.0, t) + T(f.x) + Outer(f.x, T)\n}',
    );
    const flat = inlinePass.run(g, {});
    expect(verifyIr(flat, { inlined: true })).toEqual([]);
    const params = flat.nodes.filter((n) => n.op === 'param');
    expect(params.map((n) => n.attrs['name'])).toEqual([
      'tw/dense_0/w',
      'tw/dense_0/b',
      'T_0/dense_0/w',
      'T_0/dense_0/b',
      'Outer_1/T_0/dense_0/w',
      'Outer_1/T_0/dense_0/b',
    ]);
    const shared = params[0]!.id;
    expect(flat.nodes.filter((n) => n.op === 'matmul' && n.inputs[1] === shared)).toHaveLength(2);
  });

  test('one instance serves equal calls, each call still gets its own weights', () => {
    const g = graphOf('block B(x: f32[N, D]) -> f32[N, D] {\n  return x * param([D])\n}\nmodel M(f: F) {\n  out p = B(B(f.x))\n}');
    expect(g.functions).toHaveLength(1);
    const flat = inlinePass.run(g, {});
    expect(flat.nodes.filter((n) => n.op === 'param').map((n) => n.attrs['name'])).toEqual(['B_0/param', 'B_1/param']);
  });

  test('a block that calls itself until a compile-time condition stops it gets one instance per depth', () => {
    const g = graphOf(
      'block Deep(x: f32[N, D], n: int) -> f32[N, D] {\n  if n == 0 {\n    return x\n  }\n  return relu(Deep(x, n - 1)) * param([D])\n}\nmodel M(f: F) {\n  out p = Deep(f.x, 3)\n}',
    );
    expect(new Set(g.functions.map((f) => f.name)).size).toBe(4);
    const flat = inlinePass.run(g, {});
    expect(verifyIr(flat, { inlined: true })).toEqual([]);
    expect(ops(flat).filter((o) => o === 'relu')).toHaveLength(3);
  });

  test('constant folding computes constant arithmetic in float32', () => {
    const g = inlinePass.run(graphOf('model M(f: F) {\n  c = sigmoid([0.0, 1.0, -1.0]) * 2.0\n  out p = f.x + c\n}'), {});
    const folded = constantFoldPass.run(g, {});
    expect(verifyIr(folded, { inlined: true })).toEqual([]);
    const live = deadCodePass.run(folded, {});
    const consts = live.nodes.filter((n) => n.op === 'const');
    expect(consts).toHaveLength(1);
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(consts[0]!.attrs['value']).toEqual(Array.from(Float32Array.from([2 * sigmoid(0), 2 * sigmoid(1), 2 * sigmoid(-1)])));
    expect(ops(live)).toEqual(['input', 'const', 'add']);
  });

  test('CSE merges equal pure nodes but never parameters', () => {
    const g = inlinePass.run(
      graphOf('model M(f: F) {\n  a = relu(f.x) + param([1])\n  b = relu(f.x) + param([1])\n  out p = a * b\n}'),
      {},
    );
    const merged = deadCodePass.run(csePass.run(g, {}), {});
    expect(verifyIr(merged, { inlined: true })).toEqual([]);
    expect(ops(merged).filter((o) => o === 'relu')).toHaveLength(1);
    expect(ops(merged).filter((o) => o === 'param')).toHaveLength(2);
  });

  test('DCE drops what no output, loss or metric needs, and keeps every feature input', () => {
    const g = inlinePass.run(
      graphOf('features G {\n  y : continuous\n}\nmodel M(f: F) {\n  unused = dense(f.x, 8)\n  out p = f.x * 2.0\n}'),
      {},
    );
    const live = deadCodePass.run(g, {});
    expect(ops(live)).toEqual(['input', 'const', 'mul']);
    expect(live.outputs).toEqual([{ name: 'p', node: 2 }]);
    expect(live.features.map((f) => f.node)).toEqual([0]);
  });

  test('shape specialization binds symbolic dimensions, and the verifier re-checks them', () => {
    const g = inlinePass.run(graphOf('model M(f: F) {\n  out p = dense(f.x, 3)\n}'), {});
    const fixed = specializeShapesPass.run(g, { bindings: { B: 32 } });
    expect(verifyIr(fixed, { inlined: true })).toEqual([]);
    expect(fixed.nodes.every((n) => n.type.kind !== 'tensor' || n.type.shape.every((d) => typeof d === 'number'))).toBe(true);
    expect(specializeShapesPass.run(g, {})).toBe(g);
  });
});

describe('verifier', () => {
  const g = inlinePass.run(graphOf('model M(f: F) {\n  out p = sigmoid(dense(f.x, 3))\n}'), {});
  const edit = (id: number, change: Partial<IrNode>): IrGraph => ({
    ...g,
    nodes: g.nodes.map((n) => (n.id === id ? { ...n, ...change } : n)),
  });
  const matmul = g.nodes.find((n) => n.op === 'matmul')!;

  test('accepts the valid graph', () => {
    expect(verifyIr(g, { inlined: true })).toEqual([]);
  });
  test('finds a result type the op does not give', () => {
    expect(verifyIr(edit(matmul.id, { type: { kind: 'tensor', dtype: 'f32', shape: ['B', 4] } })).join()).toMatch(
      /typed f32\[B, 4\] but the op gives f32\[B, 3\]/,
    );
  });
  test('finds an input used before it is defined', () => {
    expect(verifyIr(edit(matmul.id, { inputs: [matmul.id + 1, matmul.inputs[1]!] })).join()).toMatch(/not defined before it/);
  });
  test('finds an unknown op', () => {
    expect(verifyIr(edit(matmul.id, { op: 'matmult' })).join()).toMatch(/unknown op/);
  });
  test('finds a call left after inlining, and outputs pointing nowhere', () => {
    expect(verifyIr({ ...g, outputs: [{ name: 'p', node: 999 }] }).join()).toMatch(/%999, which does not exist/);
    expect(verifyIr(edit(matmul.id, { op: 'call', attrs: { fn: 'nope', scope: 'x' } }), { inlined: true }).join()).toMatch(
      /call remains after inlining/,
    );
  });
  test('finds numbering gaps', () => {
    expect(verifyIr({ ...g, nodes: g.nodes.map((n, i) => (i === 1 ? { ...n, id: 7 } : n)) }).join()).toMatch(/node 1 is numbered %7/);
  });
});
