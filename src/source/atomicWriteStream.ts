import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

/**
 * A file written in pieces under a temporary name and renamed into place by `commit`, for
 * outputs too large to build in memory (predictions); `abort` removes the partial file, so
 * a failed run never leaves a truncated file under the name the user asked for. Missing
 * folders on the way are created; a file that cannot be opened fails `write` or `commit`
 * with its error (an `error` event nobody listens to would end the process).
 */
export class AtomicWriteStream {
  private readonly temp: string;
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.stream = createWriteStream(this.temp);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /** Writes a chunk, waiting when the stream's buffer is full. */
  async write(chunk: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
    renameSync(this.temp, this.path);
  }

  async abort(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.destroy();
      await once(this.stream, 'close').catch(() => undefined);
    }
    rmSync(this.temp, { force: true });
  }
}
