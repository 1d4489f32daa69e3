/**
 * Serving speed of the flights model: the exported ONNX model under ONNX Runtime beside
 * TF.js predict (`Trainer.predict` on the wasm backend: embedding gathers in JS, then the
 * forward pass and the read-back) in the same run, on the same rows. The model is fitted
 * on the bundled sample and trained one epoch, so the weights are realistic in size and
 * value; the timing does not depend on them.
 *
 * Every implementation gets pre-built inputs, so none times parsing: ONNX Runtime the
 * client's tensors (strings for the vocabulary features), TF.js the encoded batch. Each
 * repeat times every configuration in turn (interleaved, so a burst of load on the shared
 * machine hits all of them alike): batch 1, `--runs1` runs timed one by one (p50, p99);
 * batch 1024, `--runs1024` runs timed together (examples per second of wall time, and
 * per second of the process's CPU time, which the machine's other work does not
 * inflate). Figures are medians over `--repeats` repeats; `_fastest_run` is the one
 * fastest batch-1024 run of all, the least disturbed by the load.
 *
 * Configurations (one JSON line each):
 * - `onnxruntime`: the export as `bird export` writes it, one intra-op thread (TF.js's
 *   wasm backend runs one here: tfjs-backend-wasm turns threads off under Node), and
 *   `--threads` threads at batch 1024;
 * - `onnxruntime_op_for_op`: the same model lowered op for op (`fuse: false`: MatMul, Add
 *   and OneHot instead of Gemm and folded one-hots), to measure what the fusions give;
 * - `onnxruntime_encoded`: the graph fed where TF.js is fed (ids instead of strings,
 *   `exportAtEntries`), to measure the cost of string inputs;
 * - `gemm`: one ONNX Runtime Gemm at the model's largest layer (1024 x 256 by 256 x 128)
 *   and at 1024^3, one thread: the GFLOP/s that bound the model.
 * With `--sweep`, also the export under other session options (graph optimization `basic`
 * and `disabled`, no CPU memory arena, no memory pattern, parallel execution), one thread.
 * With `--profile`, ONNX Runtime's per-node profile of the export and of the op-for-op
 * model at batch 1024 (one JSON line each: every node's fastest and median kernel time).
 * Then a summary: the ratios, the goal, the multiply-adds per example of each graph, the
 * throughput those allow at the measured Gemm rate, and the load averages.
 *
 * Goals (the ONNX export issue): batch-1 p50 under 0.2 ms, at least 10x TF.js's throughput.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';
import { exportAtEntries } from '../src/backends/onnx/exportAtEntries.js';
import { exportSignatures } from '../src/backends/onnx/exportSignatures.js';
import { OnnxGraphBuilder } from '../src/backends/onnx/onnxGraphBuilder.js';
import { onnx } from '../src/backends/onnx/onnxProto.js';
import { onnxIrVersion, onnxOpset } from '../src/backends/onnx/onnxVersions.js';
import { loadTf } from '../src/backends/tfjs/loadTf.js';
import { checkSource } from '../src/pipeline/checkSource.js';
import { Dataset, dataSource } from '../src/data/dataset.js';
import { readRows } from '../src/data/readRows.js';
import type { Batch } from '../src/ir/batch.js';
import { compileModel } from '../src/ir/compileModel.js';
import { packageRoot } from '../src/source/packageRoot.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { Trainer } from '../src/train/trainer.js';
import { clientFeeds } from '../test/backends/onnx/clientFeeds.js';

const GOAL_P50_MS = 0.2;
const GOAL_RATIO = 10;
const BIG = 1024;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const round = (x: number, digits: number): number => Number(x.toPrecision(digits));
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

type Run = () => Promise<unknown>;

/** What one configuration times per repeat, and what it gathered. */
class Timed {
  readonly p50: number[] = [];
  readonly p99: number[] = [];
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  fastest = Infinity;
  constructor(
    readonly one: Run | null,
    readonly big: Run,
    readonly examplesPerBig: number,
  ) {}

  async warm(warmup: number): Promise<void> {
    if (this.one) for (let w = 0; w < warmup; w++) await this.one();
    for (let w = 0; w < Math.max(3, warmup / 100); w++) await this.big();
  }

  async repeat(runs1: number, runsBig: number): Promise<void> {
    if (this.one) {
      const ms = new Float64Array(runs1);
      for (let i = 0; i < runs1; i++) {
        const t0 = process.hrtime.bigint();
        await this.one();
        ms[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
      const sorted = Array.from(ms).sort((a, b) => a - b);
      this.p50.push(percentile(sorted, 0.5));
      this.p99.push(percentile(sorted, 0.99));
    }
    const c0 = process.cpuUsage();
    let wall = 0;
    for (let i = 0; i < runsBig; i++) {
      const t0 = process.hrtime.bigint();
      await this.big();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      wall += s;
      this.fastest = Math.min(this.fastest, s);
    }
    this.wall.push((runsBig * this.examplesPerBig) / wall);
    this.cpu.push((runsBig * this.examplesPerBig) / cpuSeconds(c0));
  }

  /** Examples per second of the fastest single run: the least disturbed by the machine's other work. */
  get fastestRate(): number {
    return this.examplesPerBig / this.fastest;
  }

  get summary(): Record<string, number> {
    return {
      ...(this.one ? { batch1_p50_ms: round(median(this.p50), 3), batch1_p99_ms: round(median(this.p99), 3) } : {}),
      batch1024_examples_per_s: Math.round(median(this.wall)),
      batch1024_examples_per_s_fastest_run: Math.round(this.fastestRate),
      batch1024_examples_per_cpu_s: Math.round(median(this.cpu)),
    };
  }
}

/** Multiply-adds per example of the Gemm and MatMul nodes of a model whose second operand is a `[K, N]` initializer. */
function macsPerExample(bytes: Uint8Array): number {
  const g = onnx.ModelProto.decode(bytes).graph!;
  const dims = new Map((g.initializer ?? []).map((t) => [t.name, (t.dims ?? []).map(Number)]));
  let macs = 0;
  for (const n of g.node ?? []) {
    if (n.opType !== 'Gemm' && n.opType !== 'MatMul') continue;
    const d = dims.get(n.input?.[1]);
    if (d?.length === 2) macs += d[0]! * d[1]!;
  }
  return macs;
}

/**
 * ONNX Runtime's own profile of `runs` runs of a model on one thread: per node, the
 * fastest and the median kernel time (microseconds), slowest first. The fastest is what
 * the node costs when nothing else on the machine interrupts it.
 */
async function profileNodes(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
  runs: number,
): Promise<{ node: string; op: string; fastest_us: number; median_us: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bird-serve-profile-'));
  try {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
    });
    for (let i = 0; i < runs; i++) await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error('ONNX Runtime wrote no profile');
    // The Chrome trace format: one event per node run, `dur` in microseconds.
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      cat: string;
      name: string;
      dur: number;
      args?: { op_name?: string };
    }[];
    const times = new Map<string, { op: string; durations: number[] }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const node = e.name.slice(0, -'_kernel_time'.length);
      const entry = times.get(node) ?? { op: e.args?.op_name ?? '?', durations: [] };
      entry.durations.push(e.dur);
      times.set(node, entry);
    }
    return [...times]
      .map(([node, t]) => ({ node, op: t.op, fastest_us: Math.min(...t.durations), median_us: median(t.durations) }))
      .sort((a, b) => b.fastest_us - a.fastest_us);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One Gemm `[m, k] x [k, n] + [n]` as a model, with seeded weights. */
function gemmModel(k: number, n: number): Uint8Array {
  const b = new OnnxGraphBuilder();
  b.addInput('x', 'float32', ['m', k]);
  b.startNode('gemm');
  const w = b.floatInitializer(
    'w',
    [k, n],
    Float32Array.from({ length: k * n }, (_, i) => ((i * 7919) % 1000) / 1e4 - 0.05),
  );
  const c = b.floatInitializer('c', [n], new Float32Array(n));
  b.opTo('Gemm', ['x', w, c], 'y');
  b.addOutput('y', 'float32', ['m', n]);
  return onnx.ModelProto.encode({
    irVersion: onnxIrVersion,
    opsetImport: [{ domain: '', version: onnxOpset }],
    producerName: 'bird-bench',
    graph: b.build('gemm'),
  }).finish();
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number): number => {
    const v = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    return v === undefined ? fallback : Number(v);
  };
  const o = {
    warmup: option('warmup', 300),
    runs1: option('runs1', 2000),
    runs1024: option('runs1024', 50),
    repeats: option('repeats', 5),
  };
  const threads = option('threads', availableParallelism());
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const loadBefore = loadavg().map((x) => round(x, 3));

  // The model, fitted on the bundled sample and trained one epoch on the wasm backend.
  const root = packageRoot();
  const modelPath = join(root, 'models', 'flights.bird');
  const checked = checkSource(new SourceFile(modelPath, readFileSync(modelPath, 'utf8')));
  const model = checked.models[0];
  if (!model) throw new Error(`${modelPath} declares no model`);
  const compiled = compileModel(model).graph;
  const graph = await new Dataset(compiled, dataSource(compiled.train?.settings['data'], modelPath)!).fit();
  const { tf, backend } = await loadTf('wasm');
  const trainer = new Trainer(tf, graph, { epochs: 1, batch: 1024, seed: 1, shuffle: 0 });
  const sample = join(root, 'models', 'data', 'flights_sample.csv.gz');
  await trainer.fit(new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!), (r) =>
    log(`trained 1 epoch on the sample: loss ${r.loss.toFixed(4)}`),
  );
  const weights = new Map(trainer.parameters().map((p) => [p.name, p.values]));
  const [signature] = exportSignatures(graph, weights);
  const [opForOp] = exportSignatures(graph, weights, { fuse: false });
  const output = graph.outputs.find((out) => out.name === signature!.outputs[0]!.output)!;
  const encoded = exportAtEntries(graph, weights, [{ name: 'out', node: output.node }]);

  // The first 1024 rows of the sample, raw for ONNX Runtime's client and encoded for TF.js.
  const rows: Record<string, string>[] = [];
  for await (const row of readRows(sample)) {
    rows.push(Object.fromEntries([...row.values].map(([k, v]) => [k, String(v ?? '')])));
    if (rows.length === BIG) break;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bird-serve-'));
  let tfBig: Batch | undefined;
  let tfOne: Batch | undefined;
  try {
    const csv = join(dir, 'rows.csv');
    const columns = Object.keys(rows[0]!);
    writeFileSync(csv, [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n') + '\n');
    const unsplit = new Dataset(graph, { kind: 'file', path: csv, split: { kind: 'none' } });
    for await (const b of unsplit.batches('train', BIG)) tfBig ??= b;
    for await (const b of unsplit.batches('train', 1)) tfOne ??= b;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const tensors = (n: number): Record<string, ort.Tensor> =>
    Object.fromEntries(
      Object.entries(clientFeeds(signature!.inputs, rows.slice(0, n))).map(([name, v]) => [
        name,
        new ort.Tensor(v.dtype, v.data as never, [...v.dims]),
      ]),
    );
  const ortBig = tensors(BIG);
  const ortOne = tensors(1);
  // The encoded batch TF.js gets, as ONNX Runtime tensors for the graph fed at the entries (integers as int64).
  const encodedFeeds: Record<string, ort.Tensor> = {};
  for (const input of encoded.inputs) {
    const column = tfBig!.columns.get(input.name);
    if (column?.kind !== 'dense') throw new Error(`no dense column for entry ${input.name}`);
    encodedFeeds[input.name] =
      column.dtype === 'f32'
        ? new ort.Tensor('float32', column.data as Float32Array, [...column.shape])
        : new ort.Tensor(
            'int64',
            BigInt64Array.from(column.data, (v) => BigInt(v)),
            [...column.shape],
          );
  }

  const sessionOptions = (intra: number): ort.InferenceSession.SessionOptions => ({
    intraOpNumThreads: intra,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const session = (bytes: Uint8Array, intra: number): Promise<ort.InferenceSession> =>
    ort.InferenceSession.create(bytes, sessionOptions(intra));
  const s1 = await session(signature!.onnx, 1);
  const sN = await session(signature!.onnx, threads);
  const sOpForOp = await session(opForOp!.onnx, 1);
  const sEncoded = await session(encoded.bytes, 1);
  const gemmShapes = [
    [256, 128],
    [1024, 1024],
  ] as const;
  const gemms = await Promise.all(gemmShapes.map(([k, n]) => session(gemmModel(k, n), 1)));
  const outName = signature!.outputs[0]!.name;

  // They must agree before their speed means anything.
  const predict = async (batch: Batch): Promise<Float32Array> => {
    let data: Float32Array = new Float32Array(0);
    for await (const r of trainer.predict([batch], [output.node])) data = r.values[0]!.data;
    return data;
  };
  const fromTf = await predict(tfBig!);
  const diff = (xs: Float32Array): number => xs.reduce((m, x, i) => Math.max(m, Math.abs(x - fromTf[i]!)), 0);
  const diffs = {
    onnxruntime: diff((await s1.run(ortBig))[outName]!.data as Float32Array),
    op_for_op: diff((await sOpForOp.run(ortBig))[outName]!.data as Float32Array),
    encoded: diff((await sEncoded.run(encodedFeeds))['out']!.data as Float32Array),
  };
  const maxAbsDiff = Math.max(...Object.values(diffs));
  log(
    `ONNX Runtime ${ort.env.versions.common} and TF.js ${tf.version.tfjs} (${backend}) agree on ${BIG} rows within ${maxAbsDiff.toExponential(2)}`,
  );
  if (maxAbsDiff > 1e-4) throw new Error(`ONNX Runtime and TF.js disagree: ${JSON.stringify(diffs)}`);

  const gemmInputs = gemmShapes.map(([k]) => ({
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: BIG * k }, (_, i) => ((i * 31) % 97) / 97),
      [BIG, k],
    ),
  }));
  // `--sweep`: the export under other session options, one thread, beside the default (every optimization, sequential, arena and memory pattern on).
  const sweep: Record<string, ort.InferenceSession.SessionOptions> = args.includes('--sweep')
    ? {
        graph_optimization_basic: { graphOptimizationLevel: 'basic' },
        graph_optimization_disabled: { graphOptimizationLevel: 'disabled' },
        cpu_mem_arena_off: { enableCpuMemArena: false },
        mem_pattern_off: { enableMemPattern: false },
        execution_mode_parallel: { executionMode: 'parallel', interOpNumThreads: threads },
      }
    : {};
  const swept = await Promise.all(
    Object.values(sweep).map((options) => ort.InferenceSession.create(signature!.onnx, { ...sessionOptions(1), ...options })),
  );
  const sweptTimed = Object.keys(sweep).map(
    (name, i) => [`onnxruntime_${name}`, new Timed(null, () => swept[i]!.run(ortBig), BIG)] as const,
  );
  const configs = {
    onnxruntime: new Timed(
      () => s1.run(ortOne),
      () => s1.run(ortBig),
      BIG,
    ),
    [`onnxruntime_${threads}_threads`]: new Timed(null, () => sN.run(ortBig), BIG),
    onnxruntime_op_for_op: new Timed(
      () => sOpForOp.run(ortOne),
      () => sOpForOp.run(ortBig),
      BIG,
    ),
    onnxruntime_encoded: new Timed(null, () => sEncoded.run(encodedFeeds), BIG),
    tfjs: new Timed(
      () => predict(tfOne!),
      () => predict(tfBig!),
      BIG,
    ),
    // Each "example" of a Gemm is one row of x.
    gemm_256x128: new Timed(null, () => gemms[0]!.run(gemmInputs[0]!), BIG),
    gemm_1024x1024: new Timed(null, () => gemms[1]!.run(gemmInputs[1]!), BIG),
  };
  const timed: (readonly [string, Timed])[] = [...Object.entries(configs), ...sweptTimed];
  for (const [, c] of timed) await c.warm(o.warmup);
  for (let r = 0; r < o.repeats; r++) {
    for (const [, c] of timed) await c.repeat(o.runs1, o.runs1024);
    log(`repeat ${r + 1} of ${o.repeats} done`);
  }
  for (const s of [s1, sN, sOpForOp, sEncoded, ...gemms, ...swept]) await s.release();
  // `--profile`: where the time goes, node by node, in the export and op for op.
  if (args.includes('--profile')) {
    for (const [impl, bytes] of [
      ['onnxruntime', signature!.onnx],
      ['onnxruntime_op_for_op', opForOp!.onnx],
    ] as const) {
      const nodes = await profileNodes(bytes, ortBig, o.runs1024 * o.repeats);
      const total = nodes.reduce((sum, n) => sum + n.fastest_us, 0);
      process.stdout.write(
        JSON.stringify({
          profile: impl,
          batch: BIG,
          nodes_fastest_us_total: total,
          nodes: nodes.map((n) => ({ ...n, share: round(n.fastest_us / total, 2) })),
        }) + '\n',
      );
    }
  }
  const loadAfter = loadavg().map((x) => round(x, 3));

  const macs = { onnxruntime: macsPerExample(signature!.onnx), op_for_op: macsPerExample(opForOp!.onnx) };
  const gflops = (rate: number, k: number, n: number): number => round((rate * 2 * k * n) / 1e9, 3);
  const line = (impl: string, t: Timed, extra: Record<string, unknown>): void =>
    void process.stdout.write(JSON.stringify({ impl, ...t.summary, ...extra }) + '\n');
  const ortLine = { version: ort.env.versions.common, execution_mode: 'sequential', graph_optimization: 'all' };
  line('onnxruntime', configs.onnxruntime, {
    ...ortLine,
    threads: 1,
    macs_per_example: macs.onnxruntime,
    model_bytes: signature!.onnx.length,
    goal_p50_ms: GOAL_P50_MS,
  });
  line(`onnxruntime_${threads}_threads`, configs[`onnxruntime_${threads}_threads`]!, { ...ortLine, threads });
  line('onnxruntime_op_for_op', configs.onnxruntime_op_for_op, {
    ...ortLine,
    threads: 1,
    macs_per_example: macs.op_for_op,
    model_bytes: opForOp!.onnx.length,
  });
  line('onnxruntime_encoded', configs.onnxruntime_encoded, {
    ...ortLine,
    threads: 1,
    inputs: 'the encoded batch TF.js gets (ids, not strings)',
  });
  const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  Object.values(sweep).forEach((options, i) => {
    const { graphOptimizationLevel, executionMode, ...others } = { ...sessionOptions(1), ...options };
    line(sweptTimed[i]![0], sweptTimed[i]![1], {
      ...ortLine,
      execution_mode: executionMode,
      graph_optimization: graphOptimizationLevel,
      threads: 1,
      ...others,
    });
  });
  line('tfjs', configs.tfjs, {
    version: tf.version.tfjs,
    backend,
    threads: getThreadsCount(),
    wasm_multithread: multithread,
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    path: 'Trainer.predict (embedding gathers in JS, forward, dataSync)',
  });
  for (const [name, [k, n]] of [
    ['gemm_256x128', gemmShapes[0]],
    ['gemm_1024x1024', gemmShapes[1]],
  ] as const) {
    const c = configs[name];
    process.stdout.write(
      JSON.stringify({
        impl: name,
        shape: [BIG, k, n],
        threads: 1,
        gflops: gflops(median(c.wall), k, n),
        gflops_per_cpu_s: gflops(median(c.cpu), k, n),
        gflops_fastest_run: gflops(c.fastestRate, k, n),
      }) + '\n',
    );
  }
  const ort1 = configs.onnxruntime;
  const tfjs = configs.tfjs;
  const gemmRate = configs.gemm_256x128.fastestRate * 2 * 256 * 128;
  const ratio = (a: Timed, pick: (t: Timed) => number[]): number => round(median(pick(a)) / median(pick(tfjs)), 3);
  process.stdout.write(
    JSON.stringify({
      ort_vs_tfjs_throughput_1_thread_each: ratio(ort1, (t) => t.wall),
      ort_vs_tfjs_throughput_per_cpu_s: ratio(ort1, (t) => t.cpu),
      [`ort_${threads}_threads_vs_tfjs_throughput`]: ratio(configs[`onnxruntime_${threads}_threads`]!, (t) => t.wall),
      ort_vs_op_for_op_throughput: round(median(ort1.wall) / median(configs.onnxruntime_op_for_op.wall), 3),
      ort_encoded_vs_strings_throughput: round(median(configs.onnxruntime_encoded.wall) / median(ort1.wall), 3),
      ort_vs_tfjs_p50: round(median(tfjs.p50) / median(ort1.p50), 3),
      goal_ratio: GOAL_RATIO,
      ort_vs_tfjs_fastest_run: round(ort1.fastestRate / tfjs.fastestRate, 3),
      // At the fastest measured Gemm rate, with nothing but the Gemms: the most examples/s the graph allows on one thread.
      ceiling_examples_per_s_1_thread: Math.round(gemmRate / (2 * macs.onnxruntime)),
      ceiling_vs_tfjs_fastest_run: round(gemmRate / (2 * macs.onnxruntime) / tfjs.fastestRate, 3),
      max_abs_diff: round(maxAbsDiff, 3),
      load_average: { before: loadBefore, after: loadAfter },
      runs: o,
    }) + '\n',
  );
}
