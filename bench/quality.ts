/**
 * Quality against the GBDT and logistic-regression peers, in the same run: `bird train
 * models/flights_best.bird` on the full flights file (its own epochs and settings), then
 * `flights_peers.py --peers gbdt,lr`. One JSON line each with AUC, RCE and training
 * seconds, then how Bird stands against GBDT (the goal: a higher test AUC in no more
 * training time). Bird's seconds exclude its fitting pass and one-time read of the data,
 * as the peers' exclude their pandas load and encoding.
 *
 * Options: --data=PATH (default ../shared/datasets/flights_3m.csv.gz), --model=PATH,
 * --engine=E[,E] (the training engines, each a run of its own beside the same peer run;
 * default onnxruntime: the engine `bird train` uses when none is named, for every model of
 * models/; `--engine=tfjs,onnxruntime` gives both, as docs/models.md shows them).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { birdTrain, fullData, root, runPeers } from './peerRuns.js';

export function run(args: readonly string[]): void {
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const data = resolve(option('data') ?? fullData);
  if (!existsSync(data)) throw new Error(`no data file at ${data}`);
  const model = resolve(option('model') ?? join(root, 'models', 'flights_best.bird'));
  const engines = (option('engine') ?? 'onnxruntime').split(',');
  const birds = engines.map((engine) => {
    const { record: b, epochs } = birdTrain(model, ['--data', data, '--engine', engine]);
    const metric = (name: string): number => b[Object.keys(b).find((k) => k.startsWith(`${name}(`))!]!;
    // Training seconds of every epoch the run went through.
    const trainSeconds = Number(epochs.reduce((s, e) => s + e['train_s']!, 0).toFixed(2));
    const bird = {
      impl: 'bird',
      engine,
      model: model.replace(`${root}/`, ''),
      epochs: b['epoch']!,
      train_rows: b['examples']!,
      train_s: trainSeconds,
      auc: Number(metric('auc').toFixed(4)),
      rce: Number(metric('rce').toFixed(3)),
    };
    process.stdout.write(JSON.stringify(bird) + '\n');
    return bird;
  });
  const { lines } = runPeers(['gbdt', 'lr'], data);
  for (const l of lines)
    process.stdout.write(
      JSON.stringify({ impl: l['peer'], train_rows: l['train_rows'], train_s: l['train_s'], auc: l['auc'], rce: l['rce'] }) + '\n',
    );
  const gbdt = lines.find((l) => l['peer'] === 'gbdt')! as Record<string, number>;
  for (const bird of birds)
    process.stdout.write(
      JSON.stringify({
        engine: bird.engine,
        auc_minus_gbdt: Number((bird.auc - gbdt['auc']!).toFixed(4)),
        train_s_ratio_vs_gbdt: Number((bird.train_s / gbdt['train_s']!).toFixed(3)),
      }) + '\n',
    );
}
