/**
 * `bird serve` under load, on loopback only: autocannon against the built CLI's server
 * (a child process, so the load generator does not share its event loop), on an artifact
 * of the flights model (fitted on the bundled sample, weights drawn from a seed: the
 * timing does not depend on their values). Beside it, in this process, ONNX Runtime on
 * the same rows as `bird predict ARTIFACT` runs them (signatureFeeds from the rows' text,
 * then the session), the in-process figure the HTTP throughput is a fraction of: once with
 * the session opened as the server opens it (`--threads`, pool threads sleeping between
 * runs: `fraction_of_in_process`, like for like) and once with ONNX Runtime's default
 * options (pool threads spinning, which a server sharing its cores with its event loop
 * does not do: `fraction_of_in_process_spinning`).
 *
 * Configurations, each run `--repeats` times interleaved (medians reported):
 * - `single_row`: one-row TF Serving predict requests, `--connections` (64) connections,
 *   without (`--no-batching`) and with dynamic batching (the server's default, max batch
 *   256, `--batch-delay-ms`, default 0: one turn of the event loop);
 * - `rows_256`: 256-row requests, 4 connections, the server's defaults: rows/s against the
 *   in-process rows/s on the same 256 rows.
 * - `single_row_ceiling`: the same single-row requests against a Fastify server that parses
 *   the JSON body and answers a fixed prediction without any model work: the most
 *   requests/s a Node HTTP server reaches on this machine beside this load generator, the
 *   ceiling the single-row figures are a fraction of.
 * - `rows_256_ceiling`: the 256-row requests against that server: the rows/s of HTTP and
 *   JSON alone beside the load generator, so `ceiling_fraction_of_in_process` is the most
 *   `rows_256`'s fraction can be on this machine with no model work at all.
 * Each run lasts `--duration` seconds (default 5). Beside each figure, the server's CPU time
 * per request (user + system, all its threads, from /proc on Linux): the one figure the
 * machine's other work barely moves, for comparing builds on a shared machine. Goals (issue 15): single-row with
 * batching at least 20,000 requests/s with p99 under 10 ms; 256-row at least 60% of
 * in-process ONNX Runtime.
 *
 * - `single_row_batching_event_loop`, `rows_256_event_loop`: the same with `--no-session-worker`
 *   (the model run in the event loop's thread), beside the server's default (a worker thread
 *   for each session on a machine with 2 or more cores), to measure what the worker gives.
 *
 * `--session-worker` / `--no-session-worker` pass that flag to the server of the other configurations.
 * `--configs=rows_256,...` runs only the named configurations; `--cli=PATH` serves with
 * another build's CLI (a copy of an earlier `dist/`), to compare two builds in the same minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadArtifact } from '../src/artifact/loadArtifact.js';
import { OnnxSession } from '../src/backends/onnx/runOnnx.js';
import { signatureFeeds } from '../src/data/signatureFeeds.js';
import { workersByDefault } from '../src/serve/servable.js';
import { packageRoot } from '../src/source/packageRoot.js';
import { sampleRows, writeFlightsVersion } from '../test/serve/flightsTree.js';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function option(args: readonly string[], name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
}

async function startServer(
  cli: string,
  root: string,
  flags: readonly string[],
  threadFlags: readonly string[],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [cli, 'serve', root, '--port', '0', '--no-grpc', '--no-access-log', '--no-watch', ...threadFlags, ...flags],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { url: await listeningUrl(child, 'bird serve'), child };
}

/** The URL a server child prints on stderr (`... on http://127.0.0.1:PORT`) once it listens. */
function listeningUrl(child: ChildProcess, what: string): Promise<string> {
  let stderr = '';
  return new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /on (http:\/\/[\d.:]+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`${what} exited: ${stderr}`)));
  });
}

/** The process's CPU time so far in seconds (user + system, every thread), or NaN off Linux. */
function cpuSeconds(pid: number | undefined): number {
  try {
    // /proc/PID/stat: fields 14 and 15 (after the parenthesised command name) are utime and stime in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * The ceiling: Fastify (the server's own HTTP library) in a child process, parsing each
 * JSON body and answering a TF Serving reply of a fixed prediction a row, no model run.
 */
async function startCeilingServer(): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const app = require('fastify')({ logger: false });
    app.post('/v1/models/:name', async (request) => ({ predictions: request.body.instances.map(() => [0.5]) }));
    app.listen({ host: '127.0.0.1', port: 0 }).then((address) => process.stderr.write('on ' + address + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: packageRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
  return { url: await listeningUrl(child, 'the ceiling server'), child };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Measured {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** The server's CPU milliseconds per answered request. */
  readonly cpuMs: number;
}

async function load(url: string, body: string, connections: number, duration: number, pid?: number): Promise<Measured> {
  const cpu0 = cpuSeconds(pid);
  const r = await autocannon({
    url: `${url}/v1/models/DelayMlp:predict`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
  });
  const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / Math.max(1, r.requests.total);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, cpuMs };
}

export async function run(args: readonly string[]): Promise<void> {
  const repeats = option(args, 'repeats', 3);
  const duration = option(args, 'duration', 5);
  const connections = option(args, 'connections', 64);
  const delay = option(args, 'batch-delay-ms', 0);
  const batchingFlags = ['--max-batch', '256', '--batch-delay-ms', String(delay)];
  // ONNX Runtime threads per model in the server (0: its default, every core).
  const threads = option(args, 'threads', 0);
  // Each model's session in a worker thread of the server or not (`bird serve --session-worker`; its default: with 2 or more cores).
  const workerFlag = args.find((a) => a === '--session-worker' || a === '--no-session-worker');
  const sessionWorker = workerFlag === undefined ? workersByDefault() : workerFlag === '--session-worker';
  // The built CLI the server runs (another build's, to compare two builds in the same minutes).
  const cli = args.find((a) => a.startsWith('--cli='))?.slice('--cli='.length) ?? join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  const only = args
    .find((a) => a.startsWith('--configs='))
    ?.slice('--configs='.length)
    .split(',');
  const wanted = (name: string): boolean => only === undefined || only.includes(name);
  const root = mkdtempSync(join(tmpdir(), 'bird-bench-serve-'));
  try {
    const dir = await writeFlightsVersion(root, '1.0.0', 7);
    const rows = await sampleRows(256);
    const numeric = ['hour', 'dayofweek', 'month', 'distance'];
    const instances = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, numeric.includes(k) ? Number(v) : v]),
      ),
    );
    const single = JSON.stringify({ instances: [instances[0]] });
    const batch = JSON.stringify({ instances });

    // In-process: encode and run the 256 rows, as `bird predict ARTIFACT` does, for `duration` seconds.
    const artifact = loadArtifact(dir);
    const s = artifact.manifest.signatures[0]!;
    // The session as the server opens it (its threads, pool threads sleeping between runs), and
    // as ONNX Runtime opens one by default (pool threads spinning, which a server sharing its
    // cores with the event loop cannot afford).
    const session = await OnnxSession.load(artifact.models.get(s.name)!, threads > 0 ? threads : undefined, false);
    const spinning = await OnnxSession.load(artifact.models.get(s.name)!);
    const inProcess: number[] = [];
    const inProcessCpuMs: number[] = [];
    const inProcessSpinning: number[] = [];
    const inProcessSpinningCpuMs: number[] = [];
    const results: Record<string, { rps: number[]; p50: number[]; p99: number[]; cpuMs: number[]; errors: number }> = {};
    const note = (name: string, r: Measured): void => {
      const e = (results[name] ??= { rps: [], p50: [], p99: [], cpuMs: [], errors: 0 });
      e.rps.push(r.rps);
      e.cpuMs.push(r.cpuMs);
      e.p50.push(r.p50);
      e.p99.push(r.p99);
      e.errors += r.errors;
    };
    const inProcessRun = async (on: OnnxSession, rates: number[], cpuMs: number[]): Promise<void> => {
      const started = performance.now();
      const cpu0 = process.cpuUsage();
      let n = 0;
      while (performance.now() - started < duration * 1000) {
        await on.run(signatureFeeds(s.inputs, rows));
        n++;
      }
      rates.push((n * rows.length) / ((performance.now() - started) / 1000));
      const cpu = process.cpuUsage(cpu0);
      cpuMs.push((cpu.user + cpu.system) / 1000 / n);
    };
    for (let rep = 0; rep < repeats; rep++) {
      await inProcessRun(session, inProcess, inProcessCpuMs);
      await inProcessRun(spinning, inProcessSpinning, inProcessSpinningCpuMs);
      for (const [name, body, conns] of [
        ['single_row_ceiling', single, connections],
        ['rows_256_ceiling', batch, 4],
      ] as const) {
        if (!wanted(name)) continue;
        const ceiling = await startCeilingServer();
        try {
          await load(ceiling.url, body, conns, 1); // warm-up
          note(name, await load(ceiling.url, body, conns, duration, ceiling.child.pid));
        } finally {
          await stop(ceiling.child);
        }
      }
      for (const [name, flags, body, conns] of [
        ['single_row', ['--no-batching'], single, connections],
        ['single_row_batching', batchingFlags, single, connections],
        ['rows_256', [], batch, 4],
        ['single_row_batching_event_loop', [...batchingFlags, '--no-session-worker'], single, connections],
        ['rows_256_event_loop', ['--no-session-worker'], batch, 4],
      ] as const) {
        if (!wanted(name)) continue;
        const server = await startServer(cli, root, flags, [
          ...(threads > 0 ? ['--threads', String(threads)] : []),
          ...(workerFlag !== undefined && !name.endsWith('_event_loop') ? [workerFlag] : []),
        ]);
        try {
          await load(server.url, body, conns, 1); // warm-up
          note(name, await load(server.url, body, conns, duration, server.child.pid));
        } finally {
          await stop(server.child);
        }
      }
    }
    await session.release();
    await spinning.release();
    const inProcessRows = median(inProcess);
    const inProcessSpinningRows = median(inProcessSpinning);
    for (const [name, r] of Object.entries(results)) {
      const rowsPerRequest = name.startsWith('rows_256') ? 256 : 1;
      const line: Record<string, unknown> = {
        bench: 'serve-http',
        config: name,
        connections: name.startsWith('rows_256') ? 4 : connections,
        requests_per_s: Math.round(median(r.rps)),
        rows_per_s: Math.round(median(r.rps) * rowsPerRequest),
        p50_ms: median(r.p50),
        p99_ms: median(r.p99),
        server_cpu_ms_per_request: Number(median(r.cpuMs).toFixed(4)),
        errors: r.errors,
        repeats,
        threads,
        ...(name.endsWith('_ceiling') ? {} : { session_worker: sessionWorker && !name.endsWith('_event_loop') }),
      };
      if (name.startsWith('single_row') && name !== 'single_row_ceiling' && results['single_row_ceiling'])
        line['fraction_of_ceiling'] = Number((median(r.rps) / median(results['single_row_ceiling']!.rps)).toFixed(3));
      if (name.startsWith('rows_256') && name !== 'rows_256_ceiling') {
        // Against in-process ONNX Runtime with the server's session options (the like-for-like figure) ...
        line['fraction_of_in_process'] = Number(((median(r.rps) * 256) / inProcessRows).toFixed(3));
        // ... and with ONNX Runtime's default options (pool threads spinning between runs).
        line['fraction_of_in_process_spinning'] = Number(((median(r.rps) * 256) / inProcessSpinningRows).toFixed(3));
        // The same fraction in CPU time (in-process CPU per 256 rows over the server's per 256-row request), which the machine's load barely moves.
        line['cpu_fraction_of_in_process'] = Number((median(inProcessCpuMs) / median(r.cpuMs)).toFixed(3));
        if (results['rows_256_ceiling'])
          line['fraction_of_ceiling'] = Number((median(r.rps) / median(results['rows_256_ceiling']!.rps)).toFixed(3));
      }
      // The most rows_256's fraction can be here: HTTP and JSON alone, beside the load generator.
      if (name === 'rows_256_ceiling') line['ceiling_fraction_of_in_process'] = Number(((median(r.rps) * 256) / inProcessRows).toFixed(3));
      process.stdout.write(JSON.stringify(line) + '\n');
    }
    for (const [config, rates, cpuMs, options] of [
      ['in_process_onnxruntime_256_rows', inProcess, inProcessCpuMs, "the server's: no spinning"],
      ['in_process_onnxruntime_256_rows_spinning', inProcessSpinning, inProcessSpinningCpuMs, "ONNX Runtime's defaults: spinning"],
    ] as const) {
      process.stdout.write(
        JSON.stringify({
          bench: 'serve-http',
          config,
          session_options: options,
          rows_per_s: Math.round(median(rates)),
          cpu_ms_per_256_rows: Number(median(cpuMs).toFixed(4)),
          repeats,
        }) + '\n',
      );
    }
    const batching = results['single_row_batching'];
    const ceiling = results['single_row_ceiling'];
    const rows256 = results['rows_256'];
    process.stdout.write(
      JSON.stringify({
        bench: 'serve-http',
        summary: true,
        goal_single_row_rps: 20_000,
        goal_single_row_p99_ms: 10,
        single_row_batching_meets_goal: batching && median(batching.rps) >= 20_000 && median(batching.p99) < 10,
        // Whether the goal is within reach here at all: a server doing no model work.
        ceiling_meets_goal: ceiling && median(ceiling.rps) >= 20_000 && median(ceiling.p99) < 10,
        goal_fraction_256: 0.6,
        rows_256_meets_goal: rows256 && (median(rows256.rps) * 256) / inProcessRows >= 0.6,
        cores: availableParallelism(),
        loadavg: loadavg().map((x) => Number(x.toFixed(2))),
      }) + '\n',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
