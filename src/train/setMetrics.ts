/**
 * Metrics over a whole evaluation set, from accumulated predictions and labels. AUC is the
 * Mann-Whitney statistic with ties counted half (what scikit-learn's roc_auc_score gives);
 * PR-AUC is average precision (scikit-learn's average_precision_score).
 */
export function auc(p: Float32Array, y: Float32Array): number {
  const order = Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && p[order[j]!] === p[order[i]!]) j++;
    const averageRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) {
      if (y[order[k]!]! > 0.5) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function prAuc(p: Float32Array, y: Float32Array): number {
  const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
  const positives = y.reduce((s, v) => s + (v > 0.5 ? 1 : 0), 0);
  if (positives === 0) return NaN;
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let area = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && p[order[j]!] === p[order[i]!]) j++;
    for (let k = i; k < j; k++) {
      seen++;
      if (y[order[k]!]! > 0.5) truePositives++;
    }
    const recall = truePositives / positives;
    area += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
    i = j;
  }
  return area;
}

/** Growable float buffer for accumulating a metric's inputs across batches. */
export class FloatBuffer {
  private data = new Float32Array(1 << 16);
  length = 0;

  push(values: Float32Array | Int32Array | Uint8Array): void {
    if (this.length + values.length > this.data.length) {
      const grown = new Float32Array(Math.max(this.data.length * 2, this.length + values.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  values(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}
