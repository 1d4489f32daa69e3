/**
 * Serving speed of the flights model: the exported ONNX model under ONNX Runtime beside
 * TF.js predict (`Trainer.predict` on the wasm backend: embedding gathers in JS, then the
 * forward pass and the read-back) in the same run, on the same rows. The model is fitted
 * on the bundled sample and trained one epoch, so the weights are realistic in size and
 * value; the timing does not depend on them.
 *
 * Both sides get pre-built inputs: ONNX Runtime the client's tensors, TF.js the encoded
 * batch, so neither times parsing. Batch 1: `--warmup` runs, then `--runs1` runs timed one
 * by one for p50 and p99. Batch 1024: `--runs1024` runs timed together for examples/s.
 * Each figure is the median over `--repeats` repeats. ONNX Runtime runs one session per
 * batch size, each set for its job: `--threads1` intra-op threads at batch 1 (default 1:
 * a thread pool's hand-offs cost more than a single example's work) and `--threads` at
 * batch 1024 (default: the machine's cores), sequential execution, every graph
 * optimization. TF.js's wasm backend runs on one thread here, so the ONNX Runtime line
 * also gives batch-1024 on one thread, the like-for-like figure. The JSON lines say which.
 *
 * Prints one JSON line per implementation, then `{"ort_vs_tfjs_throughput": ratio}`.
 * Goals (the ONNX export issue): batch-1 p50 under 0.2 ms, at least 10x TF.js's throughput.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';
import { exportSignatures } from '../src/backends/onnx/exportSignatures.js';
import { loadTf } from '../src/backends/tfjs/loadTf.js';
import { checkSource } from '../src/cli/checkSource.js';
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
const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const round = (x: number, digits: number): number => Number(x.toPrecision(digits));

interface Timing {
  readonly p50: number;
  readonly p99: number;
  readonly examplesPerSecond: number;
}

/** Examples per second of `big` over `runs` runs, the median over `repeats`. */
async function throughput(big: () => Promise<unknown>, runs: number, repeats: number): Promise<number> {
  const rates: number[] = [];
  for (let w = 0; w < 3; w++) await big();
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await big();
    rates.push((runs * BIG) / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return median(rates);
}

/** Batch-1 latencies (ms) and batch-1024 throughput of `one` and `big`, medians over the repeats. */
async function time(one: () => Promise<unknown>, big: () => Promise<unknown>, o: { warmup: number; runs1: number; runs1024: number; repeats: number }): Promise<Timing> {
  const p50s: number[] = [];
  const p99s: number[] = [];
  const rates: number[] = [];
  for (let w = 0; w < o.warmup; w++) await one();
  for (let w = 0; w < Math.max(3, o.warmup / 100); w++) await big();
  for (let r = 0; r < o.repeats; r++) {
    const ms = new Float64Array(o.runs1);
    for (let i = 0; i < o.runs1; i++) {
      const t0 = process.hrtime.bigint();
      await one();
      ms[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const sorted = Array.from(ms).sort((a, b) => a - b);
    p50s.push(percentile(sorted, 0.5));
    p99s.push(percentile(sorted, 0.99));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < o.runs1024; i++) await big();
    rates.push((o.runs1024 * BIG) / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return { p50: median(p50s), p99: median(p99s), examplesPerSecond: median(rates) };
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string, fallback: number): number => {
    const v = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    return v === undefined ? fallback : Number(v);
  };
  const o = { warmup: option('warmup', 300), runs1: option('runs1', 2000), runs1024: option('runs1024', 50), repeats: option('repeats', 5) };
  const threads1 = option('threads1', 1);
  const threads = option('threads', availableParallelism());
  const log = (line: string): void => void process.stderr.write(line + '\n');

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
  await trainer.fit(new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath)!), (r) => log(`trained 1 epoch on the sample: loss ${r.loss.toFixed(4)}`));
  const weights = new Map(trainer.parameters().map((p) => [p.name, p.values]));
  const [signature] = exportSignatures(graph, weights);
  const output = graph.outputs.find((out) => out.name === signature!.outputs[0]!.output)!;

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
    Object.fromEntries(Object.entries(clientFeeds(signature!.inputs, rows.slice(0, n))).map(([name, v]) => [name, new ort.Tensor(v.dtype, v.data as never, [...v.dims])]));
  const ortBig = tensors(BIG);
  const ortOne = tensors(1);

  const sessionOptions = (intra: number): ort.InferenceSession.SessionOptions => ({ intraOpNumThreads: intra, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const session1 = await ort.InferenceSession.create(signature!.onnx, sessionOptions(threads1));
  const sessionBig = await ort.InferenceSession.create(signature!.onnx, sessionOptions(threads));
  const outName = signature!.outputs[0]!.name;

  // The two must agree before their speed means anything.
  const predict = async (batch: Batch): Promise<Float32Array> => {
    let data: Float32Array = new Float32Array(0);
    for await (const r of trainer.predict([batch], [output.node])) data = r.values[0]!.data;
    return data;
  };
  const fromOrt = (await sessionBig.run(ortBig))[outName]!.data as Float32Array;
  const fromTf = await predict(tfBig!);
  const maxAbsDiff = fromOrt.reduce((m, x, i) => Math.max(m, Math.abs(x - fromTf[i]!)), 0);
  log(`ONNX Runtime ${ort.env.versions.common} and TF.js ${tf.version.tfjs} (${backend}) agree on ${BIG} rows within ${maxAbsDiff.toExponential(2)}`);

  const onnx = await time(() => session1.run(ortOne), () => sessionBig.run(ortBig), o);
  // TF.js's wasm backend runs on one thread here, so ONNX Runtime on one thread too is the like-for-like figure.
  const onnxOneThread = await throughput(() => session1.run(ortBig), o.runs1024, o.repeats);
  const tfjs = await time(() => predict(tfOne!), () => predict(tfBig!), o);
  await session1.release();
  await sessionBig.release();

  const line = (impl: string, t: Timing, extra: Record<string, unknown>): void =>
    void process.stdout.write(JSON.stringify({ impl, batch1_p50_ms: round(t.p50, 3), batch1_p99_ms: round(t.p99, 3), batch1024_examples_per_s: Math.round(t.examplesPerSecond), ...extra }) + '\n');
  line('onnxruntime', onnx, {
    version: ort.env.versions.common,
    threads: { batch1: threads1, batch1024: threads },
    batch1024_examples_per_s_1_thread: Math.round(onnxOneThread),
    execution_mode: 'sequential',
    graph_optimization: 'all',
    goal_p50_ms: GOAL_P50_MS,
  });
  line('tfjs', tfjs, { version: tf.version.tfjs, backend, threads: getThreadsCount(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), path: 'Trainer.predict (embedding gathers in JS, forward, dataSync)' });
  process.stdout.write(
    JSON.stringify({
      ort_vs_tfjs_throughput: round(onnx.examplesPerSecond / tfjs.examplesPerSecond, 3),
      ort_vs_tfjs_throughput_1_thread_each: round(onnxOneThread / tfjs.examplesPerSecond, 3),
      ort_vs_tfjs_p50: round(tfjs.p50 / onnx.p50, 3),
      goal_ratio: GOAL_RATIO,
      max_abs_diff: round(maxAbsDiff, 3),
      runs: o,
    }) + '\n',
  );
}
