/**
 * Holdout quality of models/credit.bird (missing values) and models/tweet_text.bird (text)
 * beside logistic regression and xgboost, in the same run: `bird train MODEL --data FILE`,
 * then `bench/tabular_text_peers.py` on the same file, rows and three-way split. The text
 * peers get the tokens of Bird's own tokenizer with the model's options (written to a
 * temporary file), so the terms are the same, and the model's hashed ids of them for a
 * second logistic regression on exactly Bird's features. One JSON line per model and implementation:
 * test AUC, logloss and RCE, validation AUC, training seconds.
 *
 * Options: --models=credit,tweet_text, --credit=PATH (default models/data/credit.csv.gz,
 * the whole data set), --tweets=PATH (default ../shared/datasets/tweets_engagement.jsonl.gz),
 * --peers=lr,lr_hashed,xgboost (lr_hashed is for the text model only). The peers run under
 * Debian's /usr/bin/python3 and need python3-sklearn and python3-xgboost; each peer's line
 * carries the settings it picked or was bounded by (C; depth, trees, learning rate, bins,
 * columns). The whole bench takes a few minutes on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashBucket } from '../src/data/hashBucket.js';
import { readRows } from '../src/data/readRows.js';
import { compileModel } from '../src/ir/compileModel.js';
import { tokenizeText, tokenizerOptions } from '../src/ops/textTokens.js';
import { checkFile } from '../src/pipeline/checkFile.js';
import { birdTrain, root } from './peerRuns.js';

interface Task {
  readonly peerTask: string;
  readonly label: string;
  readonly output: string;
  readonly data: (option: (name: string) => string | undefined) => string;
}

const tasks: Readonly<Record<string, Task>> = {
  credit: {
    peerTask: 'credit',
    label: 'label_bad',
    output: 'p_bad',
    data: (option) => resolve(option('credit') ?? join(root, 'models', 'data', 'credit.csv.gz')),
  },
  tweet_text: {
    peerTask: 'text',
    label: 'label_engaged',
    output: 'p_engaged',
    data: (option) => resolve(option('tweets') ?? join(root, '..', 'shared', 'datasets', 'tweets_engagement.jsonl.gz')),
  },
};

/** Each row's tokens by Bird's tokenizer with the options of the model's `text` feature, their ids by its hash, and the label, as JSON lines. */
async function writeTokens(model: string, data: string, label: string, out: string): Promise<void> {
  const checked = checkFile(model).value;
  if (!checked) throw new Error(`${model} does not check`);
  const graph = compileModel(checked.models[0]!).graph;
  const transforms = graph.features.find((f) => f.name === 'text')!.transforms;
  const options = tokenizerOptions(transforms.find((t) => t.op === 'tokenize')!.args);
  const bits = Number(transforms.find((t) => t.op === 'hash_bucket')!.args['bits']);
  const lines: string[] = [];
  for await (const row of readRows(data)) {
    const text = row.values.get('text');
    const tokens = tokenizeText(typeof text === 'string' ? text : '', options);
    lines.push(JSON.stringify({ tokens, ids: tokens.map((t) => hashBucket(t, bits)), label: Number(row.values.get(label)) }));
  }
  writeFileSync(out, lines.join('\n') + '\n');
}

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  for (const name of (option('models') ?? 'credit,tweet_text').split(',')) {
    const task = tasks[name];
    if (!task) throw new Error(`unknown model ${name}: the models are ${Object.keys(tasks).join(', ')}`);
    const model = join(root, 'models', `${name}.bird`);
    const data = task.data(option);
    const { epochs, run } = birdTrain(model, ['--data', data]);
    const result = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8')) as { best_epoch?: number; test: Record<string, number> };
    const metric = (m: string): number => result.test[`${m}(${task.output}, labels.${task.label})`]!;
    const best = epochs.find((e) => e['epoch'] === result.best_epoch) ?? epochs.at(-1)!;
    process.stdout.write(
      JSON.stringify({
        impl: 'bird',
        model: name,
        epochs: epochs.length,
        best_epoch: result.best_epoch ?? epochs.length,
        train_s: Number(epochs.reduce((s, e) => s + e['train_s']!, 0).toFixed(2)),
        validation_auc: Number(best[`auc(${task.output}, labels.${task.label})`]!.toFixed(4)),
        auc: metric('auc'),
        logloss: metric('logloss'),
        rce: metric('rce'),
      }) + '\n',
    );
    let peerData = data;
    if (task.peerTask === 'text') {
      peerData = join(mkdtempSync(join(tmpdir(), 'bird-tokens-')), 'tokens.jsonl');
      await writeTokens(model, data, task.label, peerData);
    }
    const peer = spawnSync(
      '/usr/bin/python3',
      [
        join(root, 'bench', 'tabular_text_peers.py'),
        '--task',
        task.peerTask,
        '--data',
        peerData,
        '--peers',
        option('peers') ?? 'lr,lr_hashed,xgboost',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    if (peer.status !== 0) throw new Error(`the peers failed (they need python3-sklearn and python3-xgboost):\n${peer.stderr}`);
    for (const line of peer.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))) {
      const { peer: impl, ...rest } = JSON.parse(line) as Record<string, number | string>;
      delete rest['task'];
      process.stdout.write(JSON.stringify({ impl, model: name, ...rest }) + '\n');
    }
  }
}
