/**
 * Bench dispatcher: `npm run bench -- <name> [options]` runs `bench/<name>.ts`.
 * Each bench prints one JSON line per measurement on stdout; notes go to stderr.
 */

interface Bench {
  readonly description: string;
  readonly load: () => Promise<{ run(args: readonly string[]): Promise<void> | void }>;
}

const benches: Readonly<Record<string, Bench>> = {
  parse: {
    description: 'parse and parse+print of a generated ~20,000-line .bird file (goal: >= 100,000 lines/s parse)',
    load: () => import('./parse.js'),
  },
  flights: {
    description:
      "bird train on the flights task beside the PyTorch peer in the same run, on each engine (--rows=N, --backend=B, --repeat=N, --engine=tfjs,onnxruntime, --breakdown-steps=N), then where a step's time goes; goal ratio_vs_torch >= 1.5",
    load: () => import('./flights.js'),
  },
  check: {
    description: 'check + lower + IR passes of a ResNet-152-style loop model and a 500-feature ranking model (goal: under 200 ms each)',
    load: () => import('./check.js'),
  },
  quality: {
    description:
      'models/flights_best.bird on the full flights file beside the GBDT and logistic-regression peers in the same run (goal: AUC above GBDT in no more training time)',
    load: () => import('./quality.js'),
  },
  movielens: {
    description:
      "models/movielens.bird (two towers) on the full MovieLens ratings beside logistic regression and matrix factorization in the same run (--peers=lr,mf, --rows=N); the exported towers' dot product against the exported score",
    load: () => import('./movielens.js'),
  },
  tweets: {
    description:
      'holdout AUC and RCE of models/timelines.bird and models/cortex.bird on the full derived tweets file beside a logistic-regression peer (--data=PATH, --models=timelines,cortex)',
    load: () => import('./tweets.js'),
  },
  'tabular-text': {
    description:
      "models/credit.bird (missing values) and models/tweet_text.bird (text) on their full data beside logistic regression and xgboost on the same rows and three-way split: test AUC, logloss, RCE and the peers' settings, in a few minutes (--models=credit,tweet_text, --credit=PATH, --tweets=PATH, --peers=lr,lr_hashed,xgboost; the peers need Debian's python3-sklearn and python3-xgboost)",
    load: () => import('./tabularText.js'),
  },
  'text-bags': {
    description:
      'a bag of hashed tokens over 1,000-token synthetic documents (bench/text/bag.bird) on each engine beside the same architecture in PyTorch (nn.EmbeddingBag) in the same run (--docs=N, --tokens=N, --engine=E[,E], --repeat=N) (goal: Bird at least as fast at equal AUC)',
    load: () => import('./textBags.js'),
  },
  'torch-flights': {
    description:
      'models/flights.bird on the full flights file from Parquet parts, trained by TF.js and by --engine torch --nproc 2, AUC of each and their difference, the torch ranks reading encoded Parquet shards, then export and verify of the torch run (--rows=N, --parts=N, --nproc=N, --seeds=S[,S...] for medians over seeds, --shuffle=N, --shard-format=arrow|parquet) (goal: AUC within 0.002)',
    load: () => import('./torchFlights.js'),
  },
  data: {
    description:
      'read rows/s of the flights file as CSV, Parquet (one file, a 3-part glob, a quarter for memory) and Arrow IPC beside pyarrow and pandas in the same run (--rows=N)',
    load: () => import('./data.js'),
  },
  'serve-http': {
    description:
      'bird serve under autocannon on 127.0.0.1: single-row requests at 64 connections without and with dynamic batching (requests/s, p50/p99, fraction of a no-work Fastify server, the ceiling), 256-row requests as a fraction of in-process ONNX Runtime and of the ceiling of a no-work server on the same requests, and server CPU time per request (--duration=S, --repeats=N, --connections=N, --batch-delay-ms=MS, --threads=N) (goals: >= 20,000 req/s at p99 < 10 ms with batching; >= 60%)',
    load: () => import('./serveHttp.js'),
  },
  serve: {
    description:
      'ONNX Runtime batch-1 p50/p99 and batch-1024 examples/s of the flights model beside TF.js predict (wasm) in the same run, with --sweep (session options) and --profile (per-node times) (goal: p50 < 0.2 ms, >= 10x TF.js)',
    load: () => import('./serve.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(benches).map((n) => n.length));
  return [
    'usage: npm run bench -- <name> [options]',
    '',
    'benches:',
    ...Object.entries(benches).map(([name, b]) => `  ${name.padEnd(width)}  ${b.description}`),
    '',
  ].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  process.stdout.write(usage());
} else {
  const bench = name !== undefined && Object.hasOwn(benches, name) ? benches[name] : undefined;
  if (!bench) {
    if (name !== undefined) process.stderr.write(`unknown bench: ${name}\n\n`);
    process.stderr.write(usage());
    process.exit(2);
  }
  await (await bench.load()).run(rest);
}
