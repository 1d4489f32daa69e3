import type { ModelRepository } from './modelRepository.js';
import type { RequestInput, RequestRows } from './requestRows.js';
import type { Servable, ServedSignature } from './servable.js';
import { ServeError } from './serveError.js';
import type { RowsOutput } from './signatureRunner.js';

/** What a request names, in every protocol. */
export interface PredictTarget {
  readonly model: string;
  readonly version?: string;
  readonly label?: string;
  readonly signature?: string;
}

export interface Prediction {
  readonly servable: Servable;
  readonly served: ServedSignature;
  readonly rows: number;
  readonly outputs: RowsOutput[];
}

/**
 * The one path every protocol's predict takes: resolve the model, version and signature,
 * read the request's rows against that signature, run them (through the batcher when it
 * is on) within the time limit. The version is counted in flight from resolution to the
 * answer, so unloading it waits for this request.
 */
export class Predictor {
  constructor(
    private readonly repository: ModelRepository,
    private readonly timeoutMs: number,
  ) {}

  async predict(target: PredictTarget, read: (rows: RequestRows) => RequestInput): Promise<Prediction> {
    const servable = this.repository.resolve(target.model, { version: target.version, label: target.label });
    const leave = servable.enter();
    let running: Promise<RowsOutput[]> | undefined;
    try {
      const served = servable.signature(target.signature);
      const rows = read(served.rows);
      running = served.runner.predict(rows);
      const run = running;
      // One promise and one timer a request (not a timeout promise and a race: this is the hot path).
      return await new Promise<Prediction>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new ServeError('timeout', `the prediction took longer than the request time limit of ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
        run.then(
          // The version stays in flight until the run ends, even when the answer was a timeout.
          (outputs) => {
            leave();
            clearTimeout(timer);
            resolve({ servable, served, rows: rows.count, outputs });
          },
          (error: unknown) => {
            leave();
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    } finally {
      if (!running) leave();
    }
  }
}
