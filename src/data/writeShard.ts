import type { Batch } from '../ir/batch.js';
import { writeEncodedShard, type ShardColumn } from './encodedShards.js';
import type { ShardFormat } from './shardFormats.js';
import { writeParquetShard } from './writeParquetShard.js';

/** A shard's file name: the stem and the format's extension. */
export function shardFile(stem: string, format: ShardFormat): string {
  return `${stem}.${format === 'parquet' ? 'parquet' : 'arrows'}`;
}

/**
 * Writes batches as one encoded shard of the given format, the one writer `bird encode`
 * and the PyTorch engine share: Arrow IPC (`writeEncodedShard`) or Parquet written by
 * DuckDB (`writeParquetShard`), the same columns and values. Returns the rows written.
 */
export function writeShard(
  format: ShardFormat,
  path: string,
  columns: readonly ShardColumn[],
  batches: AsyncIterable<Batch> | Iterable<Batch>,
): Promise<number> {
  return format === 'parquet' ? writeParquetShard(path, columns, batches) : writeEncodedShard(path, columns, batches);
}
