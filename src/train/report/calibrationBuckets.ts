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
  // A numeric typed-array sort of the values (no comparator) is many times faster than sorting indices.
  const sorted = Float32Array.from(p).sort();
  const ranges: { start: number; end: number; sum: number }[] = [];
  let start = 0;
  for (let k = 1; k <= buckets && start < n; k++) {
    let end = Math.max(start + 1, Math.round((k * n) / buckets));
    while (end < n && sorted[end] === sorted[end - 1]) end++;
    if (k === buckets) end = n;
    let sum = 0;
    for (let i = start; i < end; i++) sum += sorted[i]!;
    ranges.push({ start, end, sum });
    start = end;
  }
  // Each example's bucket is the first whose largest prediction is at least its own.
  const tops = ranges.map((r) => sorted[r.end - 1]!);
  const positives = new Array<number>(ranges.length).fill(0);
  for (let i = 0; i < n; i++) {
    if (!(y[i]! > 0.5)) continue;
    let lo = 0;
    let hi = tops.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tops[mid]! >= p[i]!) hi = mid;
      else lo = mid + 1;
    }
    positives[lo]!++;
  }
  return ranges.map((r, b) => {
    const count = r.end - r.start;
    return {
      min: sorted[r.start]!,
      max: sorted[r.end - 1]!,
      count,
      positives: positives[b]!,
      meanPredicted: r.sum / count,
      actualRate: positives[b]! / count,
    };
  });
}
