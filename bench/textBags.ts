/**
 * Text models as the slow case (issue 12): a bag of hashed tokens over 1,000-token
 * documents, `bench/text/bag.bird` trained by Bird on each engine beside the same
 * architecture in PyTorch (`bench/text_bags_torch.py`, nn.EmbeddingBag, run with dense and
 * with sparse table gradients) in the same run. One JSON line per implementation, then the
 * ratio of examples per second against the faster PyTorch run and the AUC difference.
 * Every figure times the training epoch only (`"excludes"` says what each leaves out).
 *
 * The documents are synthetic and the same for a given --docs and --seed: a spam-style
 * task, each document 1,000 words drawn from a Zipf-like vocabulary of 30,000 words, and
 * about 3 per document (0.3%) from 100 words of its class instead, so the label is
 * learnable but not trivially (holdout AUC well below 1). None of the shared data sets
 * has long documents.
 *
 * Options: --docs=N (default 20000), --tokens=N (words per document, default 1000),
 * --seed=S, --engine=E[,E] (default tfjs,onnxruntime), --repeat=N (alternating runs, then
 * the median ratio), --breakdown-steps=N (after the runs, where a step's time goes on each
 * engine over N batches; 0 skips it).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xorshift32 } from '../src/data/xorshift.js';
import { birdTrain, lastJson, median, root } from './peerRuns.js';
import { stepBreakdown } from './stepBreakdown.js';

async function writeDocs(path: string, docs: number, tokens: number, seed: number): Promise<void> {
  const next = xorshift32(seed);
  const uniform = (): number => next() / 2 ** 32;
  const vocabulary = 30_000;
  const sink = createWriteStream(path);
  for (let d = 0; d < docs; d++) {
    const label = uniform() < 0.5 ? 1 : 0;
    const words: string[] = [];
    for (let t = 0; t < tokens; t++) {
      // Zipf-like: frequent words get small indices.
      if (uniform() < 0.003) words.push(`c${label}w${Math.floor(uniform() * 100)}`);
      else words.push(`w${Math.floor(Math.pow(vocabulary, uniform()))}`);
    }
    if (!sink.write(JSON.stringify({ text: words.join(' '), label }) + '\n'))
      await new Promise<void>((done) => sink.once('drain', () => done()));
  }
  await new Promise<void>((done) => sink.end(done));
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const docs = Number(option('docs') ?? 20_000);
  const tokens = Number(option('tokens') ?? 1000);
  const seed = Number(option('seed') ?? 1);
  const engines = (option('engine') ?? 'tfjs,onnxruntime').split(',');
  const repeat = Number(option('repeat') ?? 1);
  const data = join(mkdtempSync(join(tmpdir(), 'bird-text-')), 'docs.jsonl');
  await writeDocs(data, docs, tokens, seed);
  process.stderr.write(`${docs} documents of ${tokens} words in ${data}\n`);

  const ratios = new Map<string, number[]>(engines.map((e) => [e, []]));
  for (let i = 0; i < repeat; i++) {
    const birdLines = engines.map((engine) => {
      const { record: b, backend } = birdTrain(join(root, 'bench', 'text', 'bag.bird'), ['--data', data, '--engine', engine]);
      const line = {
        impl: 'bird',
        engine,
        backend: engine === 'tfjs' ? backend : engine,
        train_rows: b['examples']!,
        train_s: b['train_s']!,
        examples_per_s: b['examples_per_s']!,
        auc: Number(b['auc(p, labels.label)']!.toFixed(4)),
        logloss: Number(b['logloss(p, labels.label)']!.toFixed(4)),
        peak_rss_mb: b['peak_rss_mb']!,
        excludes: 'fitting pass and the one-time read of the data into memory',
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      return line;
    });
    // Two peers: PyTorch's default (dense table gradients, Adam over the whole table) and
    // sparse gradients with SparseAdam (lazy, as Bird's default); ratios are against the faster.
    const peers = ['dense', 'sparse'].map((kind) => {
      const peer = spawnSync(
        '/usr/bin/python3',
        [join(root, 'bench', 'text_bags_torch.py'), '--data', data, ...(kind === 'sparse' ? ['--sparse'] : [])],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        },
      );
      if (peer.status !== 0) throw new Error(`text_bags_torch.py failed:\n${peer.stderr}`);
      const line: Record<string, number | string> = {
        ...lastJson(peer.stdout),
        table: kind,
        excludes: 'reading, tokenizing and hashing the file (prep_s)',
      };
      process.stdout.write(JSON.stringify(line) + '\n');
      return line;
    });
    const torch = peers.reduce((a, b) => (Number(b['examples_per_s']) > Number(a['examples_per_s']) ? b : a));
    for (const line of birdLines) {
      const r = ratios.get(line.engine)!;
      r.push(line.examples_per_s / Number(torch['examples_per_s']));
      process.stdout.write(
        JSON.stringify({
          engine: line.engine,
          versus: `torch ${String(torch['table'])}`,
          ratio_vs_torch: Number(r.at(-1)!.toFixed(3)),
          auc_minus_torch: Number((line.auc - Number(torch['auc'])).toFixed(4)),
        }) + '\n',
      );
    }
  }
  if (repeat > 1)
    for (const [engine, r] of ratios)
      process.stdout.write(
        JSON.stringify({
          engine,
          runs: repeat,
          median_ratio_vs_torch: Number(median(r).toFixed(3)),
          ratios: r.map((x) => Number(x.toFixed(3))),
        }) + '\n',
      );
  const steps = Number(option('breakdown-steps') ?? 30);
  if (steps > 0)
    for (const line of await stepBreakdown(data, engines, steps, join(root, 'bench', 'text', 'bag.bird'), 256))
      process.stdout.write(JSON.stringify(line) + '\n');
}
