/**
 * Parser throughput: generates a realistic ~20,000-line `.bird` file (many features,
 * labels, blocks, models, train and signature sections, with comments and blank lines),
 * then times `parse` and `parse` + `print`, and two stages of `parse` alone (lexing, and
 * attaching comments): one warm-up, then the median of 5 runs. Prints one JSON line per
 * measurement. The goal (>= 100,000 lines/s parse) is reported
 * next to the measurement, never enforced.
 *
 * Options: --lines=N (target size, default 20000), --runs=N (default 5),
 * --seed=N (generator seed), --write=PATH (also save the generated file).
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hasErrors } from '../src/diagnostics/diagnostic.js';
import { renderDiagnostics } from '../src/diagnostics/renderDiagnostic.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { attachComments } from '../src/syntax/attachComments.js';
import { birdLexer } from '../src/syntax/lexer.js';
import { parse } from '../src/syntax/parse.js';
import { print } from '../src/syntax/printer.js';

const GOAL_LINES_PER_S = 100_000;

// ---- a deterministic generator ----------------------------------------------------------

/** mulberry32: small, fast, and the same file on every machine for a given seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = rng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }
}

const SUBJECTS = ['Flight', 'User', 'Item', 'Query', 'Session', 'Ad', 'Video', 'Song', 'Order', 'Listing', 'Trip', 'Post'];
const WORDS = [
  'hour',
  'day',
  'origin',
  'route',
  'carrier',
  'distance',
  'price',
  'age',
  'country',
  'device',
  'words',
  'topic',
  'category',
  'brand',
  'clicks',
  'views',
  'dwell',
  'rating',
  'score',
  'title',
  'tags',
  'lang',
  'os',
  'hub',
  'seat',
  'gate',
  'fare',
  'zone',
];
const SUFFIXES = ['', '_id', '_bucket', '_count', '_7d', '_30d', '_ratio', '_norm', '_text', '_hash'];

function fieldLine(g: Gen, name: string, pad: number): string {
  const n = name.padEnd(pad);
  switch (g.int(0, 8)) {
    case 0:
      return `${n} : discrete(${g.pick([7, 12, 24, 31, 53, 100])})`;
    case 1:
      return `${n} : continuous = 0 |> log1p |> zscore${g.chance(0.3) ? ' // fitted on train data' : ''}`;
    case 2:
      return `${n} : continuous |> clip(min: ${g.int(0, 5)}, max: ${g.int(10, 1000)}) |> zscore`;
    case 3:
      return `${n} : string |> hash(bits: ${g.int(8, 20)})`;
    case 4:
      return `${n} : string = "UNK" |> vocab(max: ${g.int(100, 50_000)}, oov: 1)`;
    case 5:
      return `${n} : sparse_binary |> hash(bits: ${g.int(12, 22)})`;
    case 6:
      return `${n} : sparse_continuous |> hash(bits: ${g.int(10, 18)})`;
    case 7:
      return `${n} : tensor(f32[${g.pick([16, 32, 64, 128])}])`;
    default:
      return `${n} : text |> tokens(max: ${g.int(16, 128)}) |> hash(bits: ${g.int(12, 18)})`;
  }
}

interface Unit {
  readonly features: string;
  readonly fields: readonly string[];
}

function featuresDecl(g: Gen, i: number): { text: string[]; unit: Unit } {
  const name = `${g.pick(SUBJECTS)}${i}`;
  const count = g.int(8, 28);
  const fields = new Set<string>();
  while (fields.size < count) fields.add(`${g.pick(WORDS)}${g.pick(SUFFIXES)}`);
  const names = [...fields];
  // Runs of fields split by blank lines; names are padded within a run, as `bird fmt` does.
  const runs: string[][] = [[]];
  names.forEach((f, k) => {
    if (k > 0 && k % 7 === 0 && g.chance(0.6)) runs.push([]);
    runs[runs.length - 1]!.push(f);
  });
  const out = [`features ${name} {`];
  runs.forEach((run, r) => {
    if (r > 0) {
      out.push('');
      if (g.chance(0.5)) out.push(`  // group ${r}`);
    }
    const pad = Math.max(...run.map((x) => x.length));
    for (const f of run) out.push(`  ${fieldLine(g, f, pad)}`);
  });
  out.push('}');
  return { text: out, unit: { features: name, fields: names } };
}

function labelsDecl(g: Gen, unit: Unit): string[] {
  const out = [
    `labels ${unit.features} {`,
    `  target : binary${g.chance(0.4) ? `(downsample_neg: ${g.pick(['0.5', '0.25', '0.1'])})` : ''} // corrected at inference`,
  ];
  if (g.chance(0.7)) out.push('  weight : sample_weight');
  if (g.chance(0.4)) out.push(`  value  : continuous = 0 |> clip(min: 0, max: ${g.int(10, 500)})`);
  out.push('}');
  return out;
}

function towerBlock(g: Gen, i: number): string[] {
  const out = [
    `block Tower${i}(x: f32[B, D], widths: int[], dropout: float = ${g.pick(['0.0', '0.1', '0.25'])}) -> f32[B, 1] {`,
    '  h = x',
    '  for w in widths {',
    '    h = dense(h, w) |> relu',
  ];
  if (g.chance(0.6)) out.push('    if dropout > 0 {', '      h = drop(h, rate: dropout)', '    }');
  if (g.chance(0.4)) out.push('    h = layer_norm(h)');
  out.push('  }', '  return dense(h, 1)', '}');
  return out;
}

function residualBlock(g: Gen, i: number): string[] {
  return [
    `block Residual${i}(x: f32[B, D], depth: int = ${g.int(1, 4)}, scale: float = ${g.pick(['1.0', '0.5', '2.0'])}, gate: bool = true) -> f32[B, D] {`,
    '  h = x',
    '  for k in 0..depth {',
    `    h = dense(h, units: ${g.pick([32, 64, 128, 256])}) |> relu`,
    '    if k % 2 == 0 and gate {',
    '      h = h * scale',
    '    } else if not gate or k >= depth - 1 {',
    '      h = -h ^ 2',
    '    } else {',
    '      h = (h + x) / 2',
    '    }',
    '  }',
    ...(g.chance(0.5) ? ['  first = x[:, 0, :]', '  tail = x[:, 1:, ::2]'] : []),
    '  return h + x',
    '}',
  ];
}

function modelDecl(g: Gen, i: number, unit: Unit): string[] {
  const v = unit.fields.slice(0, g.int(3, Math.min(10, unit.fields.length)));
  const dim = g.pick([8, 16, 32]);
  const out = [
    `model Model${i}(f: ${unit.features}, depth: int = ${g.int(1, 4)}, widths: int[] = [${g.pick([128, 256, 512])}, ${g.pick([64, 128])}]) {`,
    '  e = concat([',
  ];
  for (const f of v) {
    out.push(
      g.pick([
        `    embedding_bag(f.${f}, dim: ${dim}),`,
        `    one_hot(f.${f}),`,
        `    f.${f},`,
        `    sparse_linear(f.${f}, units: ${g.pick([16, 32, 64])}),`,
      ]),
    );
  }
  out.push('  ])');
  if (g.chance(0.3)) out.push('', '  // the shared trunk');
  out.push(`  h = mlp(e, widths + [${g.pick([32, 64])}]) |> Residual${i}(depth: depth)`);
  if (g.chance(0.5)) out.push(`  h = h |> dropout(rate: ${g.pick(['0.1', '0.2'])}) |> layer_norm`);
  out.push(`  out p_${i} = sigmoid(Tower${i}(h, [64, 32]))`);
  if (g.chance(0.5)) out.push('  out hidden = h @ h');
  if (g.chance(0.4)) out.push('  out e');
  out.push('}');
  return out;
}

function trainDecl(g: Gen, i: number): string[] {
  return [
    `train Model${i} {`,
    `  data = csv("data/set_${i}.csv.gz", split: holdout(every: ${g.int(3, 10)}))`,
    `  loss = bce(p_${i}, labels.target${g.chance(0.5) ? ', weight: labels.weight' : ''})`,
    `  optimizer = ${g.pick(['adam', 'adagrad', 'sgd'])}(lr: ${g.pick(['1e-3', '3e-4', '0.01', '1.5e-3'])}, schedule: cosine(warmup: ${g.int(100, 2000)}))`,
    `  batch = ${g.pick([256, 512, 1024, 4096])}`,
    `  epochs = ${g.int(1, 20)}`,
    `  metrics = [auc(p_${i}, labels.target), rce(p_${i}, labels.target)]`,
    ...(g.chance(0.6) ? [`  early_stop(metric: auc, patience: ${g.int(1, 5)})`] : []),
    '}',
  ];
}

function signatureDecl(g: Gen, i: number): string[] {
  return [
    `signature serve${i} @ ${g.int(0, 3)}.${g.int(0, 20)}.${g.int(0, 9)}${g.chance(0.2) ? '-rc.1' : ''} for Model${i} {`,
    '  inputs f',
    `  outputs p_${i} as score${g.chance(0.4) ? ', hidden' : ''}`,
    '}',
  ];
}

/** A `.bird` file of at least `targetLines` lines: a header, then whole units until the target is reached. */
export function generateBird(targetLines: number, seed = 1): string {
  const g = new Gen(seed);
  const lines: string[] = [
    '// Generated for the parser benchmark: many features, blocks, models, train and signature sections.',
    'bird 1',
    '',
    'import std.nn { mlp, embedding_bag, sparse_linear, dense, one_hot, layer_norm, dropout as drop }',
    'import std.loss { bce }',
    'import std.metric { auc, rce }',
    'import "./shared/blocks.bird" { Tower as SharedTower }',
  ];
  for (let i = 0; lines.length < targetLines; i++) {
    const sections: string[][] = [];
    if (g.chance(0.3))
      sections.push([
        `const DEPTH${i}: int = ${g.int(1, 6)}`,
        `const WIDTHS${i}: int[] = [${g.pick([128, 256])}, ${g.pick([64, 128])}] * 2`,
      ]);
    const f = featuresDecl(g, i);
    sections.push(
      f.text,
      labelsDecl(g, f.unit),
      towerBlock(g, i),
      residualBlock(g, i),
      modelDecl(g, i, f.unit),
      trainDecl(g, i),
      signatureDecl(g, i),
    );
    if (g.chance(0.2)) sections.push(['/* An experiment kept for reference:', '   the same model, wider. */']);
    for (const s of sections) lines.push('', ...s);
  }
  return lines.join('\n') + '\n';
}

// ---- measurement ------------------------------------------------------------------------

/** A full collection before each timed run, so garbage from the previous one is not billed to it. */
function collector(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // no way to force a collection: runs just get noisier
  }
  return () => {};
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function option(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function positiveInt(args: readonly string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return n;
}

export function run(args: readonly string[]): void {
  const targetLines = positiveInt(args, 'lines', 20_000);
  const runs = positiveInt(args, 'runs', 5);
  const seed = positiveInt(args, 'seed', 1);
  const text = generateBird(targetLines, seed);
  const write = option(args, 'write');
  if (write) writeFileSync(write, text);
  const source = new SourceFile('bench.bird', text);
  const lines = source.lineCount - (text.endsWith('\n') ? 1 : 0);

  // The generated file must be valid, or the bench would time error recovery.
  const check = parse(source);
  if (hasErrors(check.diagnostics)) {
    process.stderr.write(`the generated file does not parse cleanly:\n${renderDiagnostics(check.diagnostics.slice(0, 5))}`);
    process.exit(1);
  }

  const gc = collector();
  const measure = (name: string, fn: () => unknown): void => {
    fn(); // warm-up: JIT, parser construction already done above
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      gc();
      const t0 = performance.now();
      fn();
      times.push((performance.now() - t0) / 1000);
    }
    const medianS = median(times);
    const linesPerS = Math.round(lines / medianS);
    const goal = name === 'parse' ? { goal_lines_per_s: GOAL_LINES_PER_S, meets_goal: linesPerS >= GOAL_LINES_PER_S } : {};
    const record = {
      bench: name,
      lines,
      bytes: text.length,
      runs,
      median_s: Number(medianS.toFixed(4)),
      min_s: Number(Math.min(...times).toFixed(4)),
      max_s: Number(Math.max(...times).toFixed(4)),
      lines_per_s: linesPerS,
      ...goal,
    };
    process.stdout.write(`${JSON.stringify(record)}\n`);
    if (name === 'parse') {
      process.stderr.write(
        `parse: ${linesPerS.toLocaleString('en-US')} lines/s; goal >= ${GOAL_LINES_PER_S.toLocaleString('en-US')} lines/s: ${linesPerS >= GOAL_LINES_PER_S ? 'met' : 'NOT met'}\n`,
      );
    }
  };

  measure('parse', () => parse(new SourceFile('bench.bird', text)));
  measure('parse+print', () => print(parse(new SourceFile('bench.bird', text)).module));
  // Two stages of `parse` on their own; the parser and AST builder take the rest.
  measure('lex', () => birdLexer().tokenize(text));
  const comments = birdLexer().tokenize(text).groups['comments'] ?? [];
  measure('attachComments', () => attachComments(check.module, comments, text));
}
