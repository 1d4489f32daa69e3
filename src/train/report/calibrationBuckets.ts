/** One bucket of a reliability table: the examples whose prediction lies in `[min, max]`. */
export interface CalibrationBucket {
  /** The smallest and largest prediction in the bucket; buckets never overlap. */
  readonly min: number;
  readonly max: number;
  readonly count: number;
  /** Examples whose label is above 0.5. */
  readonly positives: number;
  readonly meanPredicted: number;
  /** `positives / count`. */
  readonly actualRate: number;
}

/**
 * Equal-count buckets of the predictions `p` (about `buckets` of them, by rank), with the
 * actual positive rate of the labels `y` in each. Equal predictions always share a bucket,
 * so a bucket may hold more than its share and there may be fewer buckets; every example
 * is in exactly one. Examples count once each (sample weights are not applied).
 */
export function calibrationBuckets(p: Float32Array, y: Float32Array, buckets = 10): CalibrationBucket[] {
  const n = p.length;
  const order = Uint32Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
  const out: CalibrationBucket[] = [];
  let start = 0;
  for (let k = 1; k <= buckets && start < n; k++) {
    let end = Math.max(start + 1, Math.round((k * n) / buckets));
    while (end < n && p[order[end]!] === p[order[end - 1]!]) end++;
    if (k === buckets) end = n;
    let positives = 0;
    let sum = 0;
    for (let i = start; i < end; i++) {
      sum += p[order[i]!]!;
      if (y[order[i]!]! > 0.5) positives++;
    }
    const count = end - start;
    out.push({ min: p[order[start]!]!, max: p[order[end - 1]!]!, count, positives, meanPredicted: sum / count, actualRate: positives / count });
    start = end;
  }
  return out;
}
