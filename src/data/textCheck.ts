import { Transform, type TransformCallback } from 'node:stream';

/** How far a text check has read: complete lines so far, for locating a later stream error. */
export interface TextProgress {
  lines: number;
}

/** Why a line of a data file is not text, found by `TextCheck`. */
export class NotText extends Error {
  override readonly name = 'NotText';
  constructor(
    /** 1-based line of the (decompressed) file. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line} is not text: ${reason}`);
  }
}

/**
 * Passes a data file's bytes through unchanged, refusing the first line that is not UTF-8
 * text (a NUL byte, or bytes that are not UTF-8) with its line number, so a binary file
 * named `.csv` is reported as what it is, where it starts, instead of as whatever the CSV
 * parser makes of it. Counts lines as it goes, for errors found later in the pipeline.
 */
export class TextCheck extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(readonly progress: TextProgress = { lines: 0 }) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bad = this.problem(chunk);
    if (bad) {
      done(bad);
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      done(new NotText(this.progress.lines + 1, 'it ends inside a UTF-8 character'));
      return;
    }
    done();
  }

  private problem(chunk: Buffer): NotText | undefined {
    const nul = chunk.indexOf(0);
    let utf8Ok = true;
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      utf8Ok = false;
    }
    if (nul < 0 && utf8Ok) {
      this.progress.lines += countNewlines(chunk, chunk.length);
      return undefined;
    }
    // Locate the first bad byte: the NUL, or the first line that does not decode.
    let at = nul < 0 ? chunk.length : nul;
    if (!utf8Ok) {
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(10, start);
        const stop = end < 0 ? chunk.length : end;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(start, stop));
        } catch {
          at = Math.min(at, start);
          break;
        }
        if (end < 0) break;
        start = end + 1;
      }
    }
    const reason = at === nul ? 'it holds a NUL byte' : 'it is not UTF-8';
    return new NotText(this.progress.lines + countNewlines(chunk, at) + 1, reason);
  }
}

function countNewlines(chunk: Buffer, end: number): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0 && i < end; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}
