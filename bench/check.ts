/**
 * Check and lower time: `bird check` plus lowering and the IR passes, for two generated
 * models: a ResNet-152-style network written as loops (3-8-36-3 bottleneck blocks) and a
 * ranking model with 500 features. One warm-up, then the median of `--runs` (default 5).
 * Prints one JSON line per model with the goal (under 200 ms each) beside the figure.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel } from '../src/ir/compileModel.js';
import { primitiveTable } from '../src/ops/registry.js';
import { checkProgram } from '../src/semantic/check.js';
import { fileHost } from '../src/pipeline/checkSource.js';
import { SourceFile } from '../src/source/sourceFile.js';

const GOAL_MS = 200;

const resnet = `bird 1

import std.nn { dense, layer_norm }

features Image {
  pixels : tensor(dim: [256])
}

block bottleneck(x: f32[B, D], width: int) -> f32[B, D] {
  h = relu(layer_norm(dense(x, width)))
  h = relu(layer_norm(dense(h, width)))
  return relu(x + layer_norm(dense(h, D)))
}

block stage(x: f32[B, D], blocks: int, width: int) -> f32[B, D] {
  h = x
  for i in 0..blocks {
    h = bottleneck(h, width)
  }
  return h
}

model ResNet152(f: Image, stages: int[] = [3, 8, 36, 3], widths: int[] = [64, 128, 256, 512]) {
  h = dense(f.pixels, 256)
  for s in 0..len(stages) {
    h = dense(stage(h, stages[s], widths[s]), 256)
  }
  out logits = dense(h, 1000)
}
`;

function ranking(features: number): string {
  const kinds = [
    (i: number) => `  c${i} : continuous = 0 |> log1p |> zscore`,
    (i: number) => `  s${i} : string |> hash(bits: 12)`,
    (i: number) => `  d${i} : discrete(${10 + (i % 50)})`,
    (i: number) => `  w${i} : sparse_binary |> hash(bits: 14)`,
  ];
  const uses = [
    (i: number) => `f.c${i}`,
    (i: number) => `embedding_bag(f.s${i}, dim: 8)`,
    (i: number) => `one_hot(f.d${i})`,
    (i: number) => `sparse_linear(f.w${i}, units: 8)`,
  ];
  const lines = [
    'bird 1',
    '',
    'import std.nn { mlp, dense, embedding_bag, sparse_linear, dcn }',
    'import std.loss { bce }',
    'import std.metric { auc, rce }',
    '',
    'features Wide {',
  ];
  for (let i = 0; i < features; i++) lines.push(kinds[i % 4]!(i));
  lines.push('}', '', 'labels Wide {', '  y : binary', '}', '', 'model Ranker(f: Wide) {', '  x = concat([');
  for (let i = 0; i < features; i++) lines.push(`    ${uses[i % 4]!(i)},`);
  lines.push('  ])', '  h = mlp(dcn(dense(x, 256), layers: 3), [512, 256, 128])', '  out p = sigmoid(dense(h, 1))', '}', '');
  lines.push(
    'train Ranker {',
    '  data = csv("wide.csv")',
    '  loss = bce(p, labels.y)',
    '  metrics = [auc(p, labels.y), rce(p, labels.y)]',
    '}',
    '',
  );
  return lines.join('\n');
}

function measure(name: string, text: string, runs: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'bird-bench-'));
  const path = join(dir, `${name}.bird`);
  writeFileSync(path, text);
  const once = (): { ms: number; nodes: number; errors: number } => {
    const start = performance.now();
    const result = checkProgram(new SourceFile(path, text), fileHost(path, dir), primitiveTable);
    let nodes = 0;
    for (const m of result.models) nodes += compileModel(m).graph.nodes.length;
    return { ms: performance.now() - start, nodes, errors: result.diagnostics.filter((d) => d.severity === 'error').length };
  };
  const warm = once();
  if (warm.errors > 0) throw new Error(`${name}: the generated model has ${warm.errors} errors`);
  const times = Array.from({ length: runs }, () => once().ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  process.stdout.write(
    JSON.stringify({
      bench: 'check',
      model: name,
      source_lines: text.split('\n').length,
      ir_nodes: warm.nodes,
      runs,
      median_ms: Number(median.toFixed(1)),
      min_ms: Number(times[0]!.toFixed(1)),
      max_ms: Number(times[times.length - 1]!.toFixed(1)),
      goal_ms: GOAL_MS,
      meets_goal: median < GOAL_MS,
    }) + '\n',
  );
}

export function run(args: readonly string[]): void {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
  measure('resnet152', resnet, runs);
  measure('ranking500', ranking(500), runs);
}
