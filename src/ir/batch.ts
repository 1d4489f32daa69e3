/**
 * Values for a graph's inputs, one batch of examples: what the data stage produces and
 * the backends consume, keyed by feature or label name.
 */
export type BatchColumn =
  | { readonly kind: 'dense'; readonly dtype: 'f32' | 'i32'; readonly shape: readonly number[]; readonly data: Float32Array | Int32Array }
  /** Ragged ids per example: example i holds `ids[offsets[i] .. offsets[i+1])`, with `values` as weights if weighted. */
  | { readonly kind: 'sparse'; readonly ids: Int32Array; readonly values: Float32Array | null; readonly offsets: Int32Array };

export interface Batch {
  readonly size: number;
  readonly columns: ReadonlyMap<string, BatchColumn>;
}
