import type { DataSource } from '../data/dataset.js';
import type { SplitRule } from '../data/split.js';
import { UsageError } from './usageError.js';

/**
 * The split `bird fit` applies to each shard it counts, from the model's data setting, so
 * that it counts only training rows, as the pre-pass does: none for `files(train: ...,
 * test: ...)` (a map task is handed training files), and a split each row decides alone
 * (`holdout(fraction, key: ...)`, `by_date`) applied as it is. A split by a row's number in
 * the whole stream (`holdout(every: ...)`, `holdout(fraction: ...)` without `key`) would hold
 * out other rows in each shard than in one pass, so statistics of shards cannot be those of
 * the run's training part: a `UsageError`, for `bird fit` and for `bird train --fitted`.
 */
export function shardSplit(data: DataSource | undefined, model: string): SplitRule {
  if (!data || data.kind === 'files') return { kind: 'none' };
  const { split } = data;
  if (split.kind === 'stride' || (split.kind === 'hash' && split.key === undefined))
    throw new UsageError(
      `the data of \`${model}\` is split by each row's number in the whole file (\`holdout(${split.kind === 'stride' ? 'every: ...' : 'fraction: ...'})\`), which statistics counted shard by shard cannot follow: split by a key (\`holdout(fraction: 0.2, key: "id")\`), by date (\`by_date(...)\`), or hold out whole files (\`files(train: ..., test: ...)\`)`,
    );
  return split;
}
