import { availableParallelism } from 'node:os';
import { lt, parse } from 'semver';
import type { LoadedArtifact } from '../artifact/loadArtifact.js';
import type { ManifestSignature } from '../artifact/manifest.js';
import { openArtifact } from '../artifact/openArtifact.js';
import { OnnxSession } from '../backends/onnx/runOnnx.js';
import { artifactChecks } from '../data/artifactChecks.js';
import { RequestRows } from './requestRows.js';
import { columnSpecs } from '../data/columnSpecs.js';
import { ServeError } from './serveError.js';
import { SignatureRunner, type BatchingOptions } from './signatureRunner.js';
import { WorkerSession, type FeedsSession } from './workerSession.js';

/** Whether sessions run in worker threads when `inWorker` is not given: where the machine has a second core for them. */
export const workersByDefault = (): boolean => availableParallelism() > 1;

export interface ServableOptions {
  readonly batching?: BatchingOptions;
  /** ONNX Runtime's intra-op threads per session; its own default (every core) when undefined. Its pool threads sleep between runs rather than spin (they would take the event loop's core). */
  readonly threads?: number;
  /**
   * Whether each signature's session runs in a worker thread of its own, leaving the event
   * loop to HTTP and JSON while a model runs. Undefined: where the machine has a second core
   * for it to run on (on 2 idle cores it served 1.5 times the 256-row rows/s and 1.1 times
   * the single-row requests/s, measured in docs/serving.md); on one core the worker's copies
   * would only add work.
   */
  readonly inWorker?: boolean;
  readonly onRun?: (model: string, signature: string, rows: number) => void;
}

/** One signature of a loaded version, ready to run. */
export interface ServedSignature {
  readonly signature: ManifestSignature;
  readonly rows: RequestRows;
  readonly runner: SignatureRunner;
}

/**
 * One loaded version of a model: the artifact read with every hash checked (as `bird
 * verify` reads it), one ONNX Runtime session per signature that reproduced its golden
 * vectors, and a count of requests in flight so that an unloaded version drains before
 * its sessions are released.
 */
export class Servable {
  private inflight = 0;
  private drained: (() => void) | undefined;

  private constructor(
    readonly artifact: LoadedArtifact,
    readonly signatures: ReadonlyMap<string, ServedSignature>,
    private readonly sessions: readonly FeedsSession[],
  ) {}

  get model(): string {
    return this.artifact.manifest.name;
  }

  get version(): string {
    return this.artifact.manifest.version;
  }

  /**
   * Loads `dir` as `bird predict ARTIFACT` opens an artifact (every check of `bird verify`,
   * the feature hash checked against its vectors, the golden vectors replayed, the golden
   * rows encoded by `signatureFeeds`); an
   * `ArtifactError` when it cannot be served.
   */
  static async load(dir: string, options: ServableOptions = {}): Promise<Servable> {
    const artifact = await openArtifact(dir, artifactChecks);
    const { manifest } = artifact;
    const sessions: FeedsSession[] = [];
    const signatures = new Map<string, ServedSignature>();
    try {
      for (const s of manifest.signatures) {
        const bytes = artifact.models.get(s.name)!;
        const session =
          (options.inWorker ?? workersByDefault())
            ? await WorkerSession.load(bytes, options.threads, false)
            : await OnnxSession.load(bytes, options.threads, false);
        sessions.push(session);
        const needed = new Set(s.inputs.map((i) => i.feature));
        // A feature group is requested as its columns by name, each a raw feature of its own.
        const specs = artifact.ir.features.filter((f) => f.role === 'feature' && needed.has(f.name)).flatMap(columnSpecs);
        const rows = new RequestRows(specs, `signature \`${s.name}\` of ${manifest.name} ${manifest.version}`, s.inputs);
        signatures.set(s.name, {
          signature: s,
          rows,
          runner: new SignatureRunner(s, session, options.batching, (n) => options.onRun?.(manifest.name, s.name, n)),
        });
      }
    } catch (error) {
      await Promise.all(sessions.map((s) => s.release()));
      throw error;
    }
    return new Servable(artifact, signatures, sessions);
  }

  /**
   * The signature a request names: TF Serving's default name (`serving_default`) or none
   * means the first; `NAME@MAJOR[.MINOR[.PATCH]]` also checks the contract: the loaded
   * signature's major version must be the one asked for, and its version at least the one
   * asked for, since a major version change may change what the inputs and outputs mean.
   */
  signature(requested: string | undefined): ServedSignature {
    const first = this.signatures.values().next().value!;
    if (requested === undefined || requested === '' || requested === 'serving_default') return first;
    const at = requested.indexOf('@');
    const name = at < 0 ? requested : requested.slice(0, at);
    const served = this.signatures.get(name);
    if (!served)
      throw new ServeError(
        'not-found',
        `${this.model} ${this.version} has no signature \`${name}\`; it has ${[...this.signatures.keys()].map((k) => `\`${k}\``).join(', ')}`,
        'signature_name',
      );
    if (at >= 0) {
      const asked = requested.slice(at + 1);
      const parts = asked.split('.');
      if (parts.length > 3 || parts.some((p) => !/^(0|[1-9]\d*)$/.test(p)))
        throw new ServeError('invalid', `signature version \`${asked}\` is not MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH`, 'signature_name');
      const want = parts.map(Number);
      const floor = `${want[0]}.${want[1] ?? 0}.${want[2] ?? 0}`;
      if (parse(served.signature.version)!.major !== want[0] || lt(served.signature.version, floor)) {
        throw new ServeError(
          'incompatible',
          `signature \`${name}\` of ${this.model} ${this.version} is version ${served.signature.version}, which does not honour the requested ${asked} (a major version must match, and the loaded version be at least the one asked for)`,
          'signature_name',
        );
      }
    }
    return served;
  }

  /** Counts a request in flight until `done` is called. */
  enter(): () => void {
    this.inflight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inflight--;
      if (this.inflight === 0) this.drained?.();
    };
  }

  /** Waits for the requests in flight, then releases the sessions. */
  async unload(): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.all(this.sessions.map((s) => s.release()));
  }
}
