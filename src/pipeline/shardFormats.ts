/** What `bird encode --format` and `bird train --shard-format` write: Arrow IPC stream files (`.arrows`) or Parquet files (`.parquet`). */
export { shardFormats, type ShardFormat } from '../data/shardFormats.js';
