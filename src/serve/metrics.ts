import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelRepository } from './modelRepository.js';

/** The `model` label of requests for a name no version was ever loaded under. */
export const UNKNOWN_MODEL = '(unknown)';

/** A labelled child of a metric, found once per label set: prom-client hashes the labels on every call otherwise. */
function cachedChild<C>(cache: Map<string, C>, key: string, make: () => C): C {
  let child = cache.get(key);
  if (child === undefined) cache.set(key, (child = make()));
  return child;
}

/**
 * The server's Prometheus metrics, in a registry of its own (so two servers in one
 * process, as in the tests, do not share counts): requests by protocol, model and status
 * code, latency, rows per ONNX Runtime run (the batch size dynamic batching reaches),
 * loaded versions by model, and the process's own metrics.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'protocol' | 'model' | 'code'>;
  readonly latency: Histogram<'protocol'>;
  readonly batchRows: Histogram<'model' | 'signature'>;

  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();
  private readonly batchChildren = new Map<string, { observe(v: number): void }>();

  /**
   * Counts one answered request and its latency in seconds. A model name the repository
   * has never loaded is counted as `(unknown)`: the name comes from the request path, and
   * a client sending many made-up names must not grow the metrics without bound.
   */
  answered(protocol: string, model: string, code: string, seconds: number): void {
    const key = `${protocol}\0${model}\0${code}`;
    const child = this.requestChildren.get(key);
    if (child !== undefined) child.inc();
    else {
      const known = model === '' || this.repository().hasModel(model) ? model : UNKNOWN_MODEL;
      const make = () => this.requests.labels({ protocol, model: known, code });
      // Only a loaded model's label set is cached by its name; unknown names share one child, uncached by name.
      if (known === model) cachedChild(this.requestChildren, key, make).inc();
      else cachedChild(this.requestChildren, `${protocol}\0\0${UNKNOWN_MODEL}\0${code}`, make).inc();
    }
    cachedChild(this.latencyChildren, protocol, () => this.latency.labels({ protocol })).observe(seconds);
  }

  /** Counts one ONNX Runtime run of `rows` rows. */
  ran(model: string, signature: string, rows: number): void {
    cachedChild(this.batchChildren, `${model}\0${signature}`, () => this.batchRows.labels({ model, signature })).observe(rows);
  }

  constructor(
    private readonly repository: () => ModelRepository,
    inflight: () => number,
  ) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'bird_serve_requests_total',
      help: 'Requests answered, by protocol, model and status code (HTTP status, or gRPC status name)',
      labelNames: ['protocol', 'model', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'bird_serve_request_duration_seconds',
      help: 'Time from a request arriving to its answer, by protocol',
      labelNames: ['protocol'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.batchRows = new Histogram({
      name: 'bird_serve_batch_rows',
      help: 'Rows per ONNX Runtime run (several requests when dynamic batching merges them)',
      labelNames: ['model', 'signature'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096],
      registers,
    });
    new Gauge({
      name: 'bird_serve_model_versions_loaded',
      help: 'Versions of each model loaded and serving',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const m of repository().modelNames()) this.set({ model: m }, repository().versions(m).length);
      },
    });
    new Gauge({
      name: 'bird_serve_requests_in_flight',
      help: 'REST requests received and not yet answered',
      registers,
      collect() {
        this.set(inflight());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
