/** The files encoded shards are written as: Arrow IPC stream files (`.arrows`) or Parquet files (`.parquet`). */
export const shardFormats = ['arrow', 'parquet'] as const;
export type ShardFormat = (typeof shardFormats)[number];
