import { parse } from 'semver';
import { diagnostic } from '../../diagnostics/diagnostic.js';
import { SourceFile } from '../../source/sourceFile.js';
import { parsePolicy, serveArtifacts, type RunningServer, type VersionPolicy } from '../../pipeline/serveArtifacts.js';
import { artifactDiagnostic } from '../../pipeline/artifactDiagnostic.js';
import { ExitCode } from '../exitCodes.js';
import { reportDiagnostics, type Io, type ReportOptions } from '../reporter.js';
import { UsageError } from '../../pipeline/usageError.js';
import { birdVersion } from '../../pipeline/version.js';

export interface ServeArgs extends ReportOptions {
  readonly artifacts: string;
  readonly host: string;
  readonly port: number;
  /** Undefined: no gRPC server. */
  readonly grpcPort?: number;
  /** `POLICY` for every model, or `MODEL=POLICY`. */
  readonly versions: readonly string[];
  /** `MODEL:LABEL=VERSION`. */
  readonly labels: readonly string[];
  readonly batching: boolean;
  /** With batching only (default 256). */
  readonly maxBatch?: number;
  /** With batching only (default 0: one turn of the event loop). */
  readonly batchDelayMs?: number;
  readonly threads?: number;
  /** Each signature's ONNX Runtime session in a worker thread of its own; undefined: where the machine has a second core. */
  readonly sessionWorker?: boolean;
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  readonly watch: boolean;
  /** With watch only (default 1000). */
  readonly pollMs?: number;
  readonly accessLog: boolean;
}

function policies(specs: readonly string[]): { all?: VersionPolicy; byModel: Map<string, VersionPolicy> } {
  let all: VersionPolicy | undefined;
  const byModel = new Map<string, VersionPolicy>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const result = parsePolicy(eq < 0 ? spec : spec.slice(eq + 1));
    if ('problem' in result) throw new UsageError(`\`--versions ${spec}\`: ${result.problem}`);
    if (eq < 0) all = result.policy;
    else byModel.set(spec.slice(0, eq), result.policy);
  }
  return { ...(all ? { all } : {}), byModel };
}

function labels(specs: readonly string[]): Map<string, Map<string, string>> {
  const byModel = new Map<string, Map<string, string>>();
  for (const spec of specs) {
    const m = /^([^:=]+):([A-Za-z0-9_-]+)=(.+)$/.exec(spec);
    if (!m || parse(m[3]!)?.version !== m[3])
      throw new UsageError(`\`--label ${spec}\` is not MODEL:LABEL=VERSION (for example \`DelayMlp:stable=1.0.0\`)`);
    if (/^\d+$/.test(m[2]!))
      throw new UsageError(`\`--label ${spec}\`: a label is a name, not a number (a number in a request means a major version)`);
    const model = byModel.get(m[1]!) ?? new Map<string, string>();
    model.set(m[2]!, m[3]!);
    byModel.set(m[1]!, model);
  }
  return byModel;
}

const positive = (value: number, flag: string, min: number): number => {
  if (!Number.isFinite(value) || value < min) throw new UsageError(`\`${flag}\` must be a number, ${min} or more`);
  return value;
};

/** Resolves on SIGTERM or SIGINT, the signals a process manager or a terminal sends to stop the server. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/**
 * `bird serve ARTIFACTS`: every model under `ARTIFACTS/<model>/<version>/`, loaded as
 * `bird verify` loads it, served over TF Serving REST and gRPC and KServe v2 until SIGTERM
 * (or SIGINT), which stops taking requests and finishes those in flight. A version that
 * cannot be loaded is reported and the others serve; with none loaded the command fails.
 */
export async function serve(args: ServeArgs, io: Io, stop: Promise<unknown> = stopSignal()): Promise<number> {
  const { all, byModel } = policies(args.versions);
  const labelMap = labels(args.labels);
  // A flag that would have no effect is refused rather than ignored.
  if (!args.batching && (args.maxBatch !== undefined || args.batchDelayMs !== undefined))
    throw new UsageError('`--max-batch` and `--batch-delay-ms` set dynamic batching, which `--no-batching` turns off');
  if (!args.watch && args.pollMs !== undefined)
    throw new UsageError('`--poll-ms` sets how often the folder is rescanned, which `--no-watch` turns off');
  const maxBatch = Math.floor(positive(args.maxBatch ?? 256, '--max-batch', 1));
  const delayMs = positive(args.batchDelayMs ?? 0, '--batch-delay-ms', 0);
  const pollMs = positive(args.pollMs ?? 1000, '--poll-ms', 10);
  positive(args.maxBodyBytes, '--max-body-bytes', 1024);
  positive(args.timeoutMs, '--timeout-ms', 1);
  if (args.threads !== undefined && !Number.isInteger(positive(args.threads, '--threads', 1)))
    throw new UsageError('`--threads` must be a whole number');
  for (const [flag, port] of [
    ['--port', args.port],
    ['--grpc-port', args.grpcPort],
  ] as const) {
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
      throw new UsageError(`\`${flag}\` must be a port number from 0 to 65535`);
  }
  const report = (error: unknown, dir: string): void => {
    let d;
    try {
      d = artifactDiagnostic(error, dir, '');
    } catch {
      // Not a refusal of the artifact stage (ONNX Runtime could not create a session, say): still this version's problem, not the server's.
      d = diagnostic('artifactInvalid', { reason: `${dir} cannot be served: ${(error as Error).message}` }, new SourceFile(dir, ''), {
        start: 0,
        end: 0,
      });
    }
    reportDiagnostics(io, [d], { ...args, json: false });
  };
  let server: RunningServer;
  try {
    server = await serveArtifacts({
      root: args.artifacts,
      host: args.host,
      port: args.port,
      ...(args.grpcPort !== undefined ? { grpcPort: args.grpcPort } : {}),
      bodyLimit: args.maxBodyBytes,
      timeoutMs: args.timeoutMs,
      ...(args.watch ? { pollMs } : {}),
      serverVersion: birdVersion,
      ...(all ? { defaultPolicy: all } : {}),
      policies: byModel,
      labels: labelMap,
      ...(args.batching ? { batching: { maxBatch, delayMs } } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      ...(args.sessionWorker !== undefined ? { inWorker: args.sessionWorker } : {}),
      onRefused: (dir, error) => report(error, dir),
      onLoaded: (s) => io.stderr(`loaded ${s.model} ${s.version} (${[...s.signatures.keys()].map((k) => `\`${k}\``).join(', ')})\n`),
      onUnloaded: (model, version) => io.stderr(`unloaded ${model} ${version}\n`),
      ...(args.accessLog ? { accessLog: (entry: Readonly<Record<string, unknown>>) => io.stdout(JSON.stringify(entry) + '\n') } : {}),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && e.syscall !== undefined) {
      reportDiagnostics(
        io,
        [
          diagnostic(
            'cannotListen',
            {
              address: `${args.host}:${e.port ?? args.port}`,
              reason: `${e.message.replace(/^\w+ \w+: /, '').replace(/ \S+$/, '')} (${e.code})`,
            },
            new SourceFile(args.artifacts, ''),
            { start: 0, end: 0 },
          ),
        ],
        args,
      );
      return ExitCode.diagnostics;
    }
    if (error instanceof Error && /No address added out of total/.test(error.message)) {
      reportDiagnostics(
        io,
        [
          diagnostic(
            'cannotListen',
            { address: `${args.host}:${args.grpcPort}`, reason: 'the gRPC server could not bind it' },
            new SourceFile(args.artifacts, ''),
            { start: 0, end: 0 },
          ),
        ],
        args,
      );
      return ExitCode.diagnostics;
    }
    throw error;
  }
  if (server.repository.modelNames().length === 0) {
    await server.close();
    reportDiagnostics(
      io,
      [diagnostic('nothingToServe', { root: args.artifacts }, new SourceFile(args.artifacts, ''), { start: 0, end: 0 })],
      args,
    );
    return ExitCode.diagnostics;
  }
  for (const line of server.repository.describe()) io.stderr(`serving ${line}\n`);
  io.stderr(
    `REST (TF Serving, KServe v2) on ${server.url}${server.grpcPort !== undefined ? `, gRPC (TF Serving) on ${args.host}:${server.grpcPort}` : ''}\n`,
  );
  const signal = await stop;
  io.stderr(`${typeof signal === 'string' ? signal : 'stop'}: finishing the requests in flight\n`);
  await server.close();
  io.stderr('stopped\n');
  return ExitCode.ok;
}
