/**
 * Holdout quality of the tweets models beside a logistic-regression peer, in the same run:
 * `bird train models/timelines.bird` and `models/cortex.bird` on the full derived tweets
 * file (each with its own settings), then `bench/tweets_lr.py` on the same file, rows and
 * split. One JSON line per model and task: AUC, RCE and training seconds.
 *
 * Options: --data=PATH, the file written by models/data/derive_tweets.mjs (default
 * tmp/tweets_derived.jsonl.gz), --models=timelines,cortex.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { birdTrain, root } from './peerRuns.js';

const tasks: Readonly<Record<string, readonly { label: string; output: string }[]>> = {
  timelines: [
    { label: 'label_engaged', output: 'p_engaged' },
    { label: 'label_retweeted', output: 'p_retweeted' },
  ],
  cortex: [{ label: 'label_engaged', output: 'p_engaged' }],
};

export function run(args: readonly string[]): void {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const data = resolve(option('data') ?? join(root, 'tmp', 'tweets_derived.jsonl.gz'));
  if (!existsSync(data))
    throw new Error(
      `no data file at ${data}: write it with node models/data/derive_tweets.mjs ../shared/datasets/tweets_engagement.jsonl.gz ${data}`,
    );
  for (const model of (option('models') ?? 'timelines,cortex').split(',')) {
    const { record, epochs } = birdTrain(join(root, 'models', `${model}.bird`), ['--data', data]);
    const trainSeconds = Number(epochs.reduce((s, e) => s + e['train_s']!, 0).toFixed(2));
    for (const { label, output } of tasks[model] ?? []) {
      const metric = (name: string): number => Number(record[`${name}(${output}, labels.${label})`]!.toFixed(4));
      process.stdout.write(
        JSON.stringify({
          impl: 'bird',
          model,
          label,
          epochs: record['epoch'],
          train_s: trainSeconds,
          auc: metric('auc'),
          rce: metric('rce'),
        }) + '\n',
      );
    }
  }
  const peer = spawnSync('/usr/bin/python3', [join(root, 'bench', 'tweets_lr.py'), '--data', data], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (peer.status !== 0) throw new Error(`the logistic-regression peer failed (it needs python3-sklearn):\n${peer.stderr}`);
  for (const line of peer.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))) {
    const l = JSON.parse(line) as Record<string, number | string>;
    process.stdout.write(
      JSON.stringify({
        impl: 'lr',
        label: l['label'],
        C: l['C'],
        train_s: l['train_s'],
        auc: l['auc'],
        rce: Number(Number(l['rce']).toFixed(4)),
      }) + '\n',
    );
  }
}
