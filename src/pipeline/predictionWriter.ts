import { AtomicWriteStream } from '../source/atomicWriteStream.js';

/**
 * Predictions written one line per row, in row order, under a temporary name until
 * `commit`: CSV (a header, then an output with several values per example as columns
 * `name.0`, `name.1`, ...) or JSONL (an object per row, a number per output, or a list for
 * a wider output). Both `bird predict` forms write through it.
 */
export class PredictionWriter {
  private readonly out: AtomicWriteStream;
  private headerWritten = false;
  rows = 0;

  constructor(
    path: string,
    private readonly format: 'csv' | 'jsonl',
    private readonly names: readonly string[],
  ) {
    this.out = new AtomicWriteStream(path);
  }

  /** One batch of `size` rows: each output's values, row-major. */
  async write(size: number, values: readonly ArrayLike<number | string>[]): Promise<void> {
    const widths = values.map((v) => v.length / size);
    if (!this.headerWritten && this.format === 'csv') {
      await this.out.write(
        this.names.flatMap((n, k) => (widths[k] === 1 ? [n] : Array.from({ length: widths[k]! }, (_, j) => `${n}.${j}`))).join(',') + '\n',
      );
    }
    this.headerWritten = true;
    let chunk = '';
    for (let i = 0; i < size; i++) {
      const row = values.map((v, k) => Array.from({ length: widths[k]! }, (_, j) => v[i * widths[k]! + j]!));
      chunk +=
        this.format === 'csv'
          ? row.flat().join(',') + '\n'
          : JSON.stringify(Object.fromEntries(this.names.map((n, k) => [n, widths[k] === 1 ? row[k]![0] : row[k]]))) + '\n';
    }
    this.rows += size;
    await this.out.write(chunk);
  }

  async commit(): Promise<void> {
    if (!this.headerWritten && this.format === 'csv') await this.out.write(this.names.join(',') + '\n');
    await this.out.commit();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}
