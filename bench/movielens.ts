/**
 * The two-tower recommender against its peers, in the same run: `bird train
 * models/movielens.bird` on the full ratings file (its own settings), `bird export` of
 * its three signatures, then `movielens_peers.py` (logistic regression on one-hot ids,
 * matrix factorization in PyTorch). One JSON line each with holdout AUC, logloss, RCE and
 * training seconds. Then the exported towers against the exported score on the first
 * `--rows` holdout rows, run by `bird predict ARTIFACT` (ONNX Runtime): the largest
 * |logit(p_like) - user_vec . item_vec| over rows whose p_like is within [1e-3, 1 - 1e-3].
 *
 * Options: --data=PATH (default ../shared/datasets/movielens_ratings.csv.gz),
 * --model=PATH, --peers=lr,mf, --rows=N (default 2000).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clientRows, csvText } from '../src/data/clientRows.js';
import { birdCli, birdTrain, root, runPeers } from './peerRuns.js';

export async function run(args: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const data = resolve(option('data') ?? join(root, '..', 'shared', 'datasets', 'movielens_ratings.csv.gz'));
  if (!existsSync(data)) throw new Error(`no data file at ${data}`);
  const model = resolve(option('model') ?? join(root, 'models', 'movielens.bird'));
  const peers = (option('peers') ?? 'lr,mf').split(',').filter((p) => p !== '');
  const rowCount = Number(option('rows') ?? 2000);

  const { record: b, epochs, run: runDir } = birdTrain(model, ['--data', data]);
  const metric = (name: string): number => b[Object.keys(b).find((k) => k.startsWith(`${name}(`))!]!;
  const trainSeconds = Number(epochs.reduce((s, e) => s + e['train_s']!, 0).toFixed(2));
  process.stdout.write(
    JSON.stringify({
      impl: 'bird',
      model: model.replace(`${root}/`, ''),
      epochs: b['epoch'],
      train_rows: b['examples'],
      train_s: trainSeconds,
      auc: round(metric('auc'), 4),
      logloss: round(metric('logloss'), 4),
      rce: round(metric('rce'), 3),
    }) + '\n',
  );

  const out = mkdtempSync(join(tmpdir(), 'bird-movielens-'));
  const exported = JSON.parse(birdCli(['export', model, '--checkpoint', runDir, '--out', out, '--json']).stdout) as {
    artifact: string;
    comparisons: { signature: string; maxAbs: number }[];
  };
  const artifact = exported.artifact;
  process.stdout.write(
    JSON.stringify({ onnx_vs_tfjs: exported.comparisons.map((c) => ({ signature: c.signature, max_abs_diff: c.maxAbs })) }) + '\n',
  );
  // The same holdout rows (every fifth, from row 4) for the three signatures.
  const rowsPath = join(out, 'holdout.csv');
  writeFileSync(
    rowsPath,
    csvText(await clientRows({ kind: 'file', path: data, split: { kind: 'stride', every: 5, offset: 4 } }, rowCount, 'test')),
  );
  const predict = (signature: string): number[][] => {
    const path = join(out, `${signature}.jsonl`);
    birdCli(['predict', artifact, '--data', rowsPath, '--out', path, '--signature', signature]);
    return readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [Object.values(JSON.parse(l) as Record<string, number | number[]>)[0]!].flat());
  };
  const score = predict('score');
  const users = predict('user_embedding');
  const items = predict('item_embedding');
  let worst = 0;
  let compared = 0;
  score.forEach(([p], r) => {
    if (p! < 1e-3 || p! > 1 - 1e-3) return;
    const dot = users[r]!.reduce((s, u, k) => s + u * items[r]![k]!, 0);
    worst = Math.max(worst, Math.abs(Math.log(p! / (1 - p!)) - dot));
    compared++;
  });
  process.stdout.write(JSON.stringify({ towers_vs_score: { rows: compared, max_abs_logit_diff: worst } }) + '\n');

  if (peers.length === 0) return;
  const { lines } = runPeers(peers, data, undefined, join(root, 'bench', 'movielens_peers.py'));
  for (const l of lines) process.stdout.write(JSON.stringify({ impl: l['peer'], ...l, peer: undefined }) + '\n');
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
