/**
 * `npm run fuzz -- --inputs=N [--seed=S]`: N mutated `.bird` inputs (test/fuzz/mutate.ts) of
 * the repository's models, standard library, test cases and doc examples, each checked
 * through `bird check`'s path (test/fuzz/checkInput.ts) in a pool of worker threads, one
 * per CPU, with a time limit and a heap limit per input: a hang or an out-of-memory ends
 * the worker, is recorded and the run goes on with a fresh one. Input i is a function of
 * the seed and i only, so `--seed=S --only=i` gives the same input again.
 *
 * Writes runs/fuzz/<seed>/summary.json (rewritten at each progress line, so a long run
 * killed half-way still leaves its figures) and each failing input under
 * runs/fuzz/<seed>/failures/ (the .bird text and a .json with what went wrong and the
 * command that reproduces it). Exits 1 when an input failed, 0 otherwise, 2 on a usage error.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FindingKind, Verdict } from './checkInput.js';
import { loadSeeds } from './corpus.js';
import { makePool, mutate, type Mutant } from './mutate.js';
import { Rng } from './rng.js';

interface Options {
  readonly inputs: number;
  readonly seed: number;
  readonly start: number;
  readonly only: readonly number[] | undefined;
  readonly workers: number;
  readonly timeLimitMs: number;
  readonly heapMb: number;
  readonly stackMb: number;
  readonly out: string;
  readonly progressS: number;
  readonly recycle: number;
  readonly keep: number;
}

const usage = `usage: npm run fuzz -- [--inputs=N] [--seed=S] [options]

  --inputs=N          inputs to check (default 1000)
  --seed=S            seed of the inputs (default 1); the same seed gives the same inputs
  --start=K           first input index (default 0): inputs K .. K+N-1
  --only=I,J          check only these input indices (to reproduce a failure)
  --workers=N         worker threads (default: the CPU count, ${availableParallelism()} here)
  --time-limit-ms=MS  per-input time limit (default 2000); an input over it is retried once, alone, in a fresh worker
  --heap-mb=MB        per-worker heap limit (default 1024)
  --stack-mb=MB       per-worker stack (default 1, about bird's own main thread)
  --out=DIR           where runs go (default runs/fuzz); this run writes DIR/<seed>/
  --progress-s=S      seconds between progress lines (default 10)
  --recycle=N         replace a worker after N inputs, so a slow leak cannot grow (default 2000)
  --keep=N            failing inputs saved per distinct failure (default 5)
`;

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (a === '--help' || a === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    if (!m) fail(`unknown argument \`${a}\``);
    values.set(m[1]!, m[2]!);
  }
  const known = [
    'inputs',
    'seed',
    'start',
    'only',
    'workers',
    'time-limit-ms',
    'heap-mb',
    'stack-mb',
    'out',
    'progress-s',
    'recycle',
    'keep',
  ];
  for (const k of values.keys()) if (!known.includes(k)) fail(`unknown option \`--${k}\``);
  const num = (k: string, d: number, min = 0): number => {
    const v = values.get(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (k !== 'stack-mb' && !Number.isInteger(n)))
      fail(`--${k} must be ${k === 'stack-mb' ? 'a number' : 'an integer'} of at least ${min}, not \`${v}\``);
    return n;
  };
  const only = values
    .get('only')
    ?.split(',')
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) fail(`--only takes input indices, not \`${s}\``);
      return n;
    });
  return {
    inputs: num('inputs', 1000, 1),
    seed: num('seed', 1, 0),
    start: num('start', 0, 0),
    only,
    workers: num('workers', availableParallelism(), 1),
    timeLimitMs: num('time-limit-ms', 2000, 1),
    heapMb: num('heap-mb', 1024, 16),
    stackMb: num('stack-mb', 1, 0.25),
    out: values.get('out') ?? 'runs/fuzz',
    progressS: num('progress-s', 10, 1),
    recycle: num('recycle', 2000, 1),
    keep: num('keep', 5, 0),
  };
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n\n${usage}`);
  process.exit(2);
}

/** A failure's identity: its kind and message with numbers and quoted names blanked, and where in src/ it was thrown. */
function signature(kind: FindingKind, v: Verdict | undefined): string {
  const detail = (v?.detail ?? '')
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
  const frame = /\(?([^()\s]*\/src\/[^()\s]*?):\d+:\d+\)?/.exec(v?.stack ?? '')?.[1]?.replace(/^.*\/src\//, 'src/');
  return [kind, detail, frame].filter((s) => s !== undefined && s !== '').join(' | ');
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

interface Slot {
  worker: Worker | undefined;
  ready: boolean;
  done: number;
  current: { index: number; mutant: Mutant; retry: boolean; timer: NodeJS.Timeout; sentAt: number } | undefined;
  heapMb: number;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const runDir = resolve(options.out, String(options.seed));
  const failuresDir = join(runDir, 'failures');
  mkdirSync(failuresDir, { recursive: true });
  const docsDir = mkdtempSync(join(tmpdir(), 'bird-fuzz-docs-'));
  const pool = makePool(loadSeeds(docsDir));
  const indices = options.only ?? Array.from({ length: options.inputs }, (_, i) => options.start + i);
  const total = indices.length;
  let next = 0;

  const counts: Record<FindingKind, number> = { exception: 0, internal: 0, unlocated: 0, json: 0, timeout: 0, oom: 0, crash: 0 };
  const signatures = new Map<string, { count: number; kind: FindingKind; detail: string; first: number; saved: string[] }>();
  const codes = new Map<string, number>();
  const buckets = [10, 50, 100, 250, 500, 1000, 2000];
  const timeHistogram = new Array<number>(buckets.length + 1).fill(0);
  let checked = 0;
  let clean = 0;
  let slowOnce = 0;
  let maxMs = 0;
  let maxMsIndex = -1;
  let workerStarts = 0;
  const started = performance.now();

  const record = (index: number, mutant: Mutant, kind: FindingKind, v: Verdict | undefined): void => {
    counts[kind]++;
    const sig = signature(kind, v);
    const entry = signatures.get(sig) ?? { count: 0, kind, detail: v?.detail ?? kind, first: index, saved: [] };
    entry.count++;
    signatures.set(sig, entry);
    if (entry.saved.length < options.keep) {
      const base = join(failuresDir, `${index}-${kind}`);
      writeFileSync(`${base}.bird`, mutant.text);
      const info = {
        index,
        seed: options.seed,
        kind,
        detail: v?.detail,
        stack: v?.stack,
        origin: mutant.seed.origin,
        checkedAs: mutant.seed.path,
        mutations: mutant.steps,
        reproduce: `npm run fuzz -- --seed=${options.seed} --only=${index}`,
        signature: sig,
      };
      writeFileSync(`${base}.json`, JSON.stringify(info, null, 2) + '\n');
      entry.saved.push(`${base}.bird`);
    }
  };

  const summary = (final: boolean): Record<string, unknown> => {
    const seconds = (performance.now() - started) / 1000;
    const failures = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      final,
      seed: options.seed,
      inputs: checked,
      planned: total,
      first: options.only ? undefined : options.start,
      only: options.only,
      workers: options.workers,
      timeLimitMs: options.timeLimitMs,
      heapMb: options.heapMb,
      seeds: pool.seeds.length,
      seconds: Math.round(seconds * 10) / 10,
      inputsPerSecond: Math.round((checked / seconds) * 10) / 10,
      estimatedSecondsFor100000: checked > 0 ? Math.round((100_000 * seconds) / checked) : null,
      clean,
      withDiagnostics: checked - clean - failures,
      failures,
      counts,
      overLimitOnceThenPassed: slowOnce,
      maxMs,
      maxMsIndex,
      msHistogram: Object.fromEntries(timeHistogram.map((n, i) => [i < buckets.length ? `<=${buckets[i]}` : `>${buckets.at(-1)}`, n])),
      workerStarts,
      distinctFailures: [...signatures.entries()].map(([sig, e]) => ({
        signature: sig,
        count: e.count,
        firstIndex: e.first,
        saved: e.saved,
      })),
      topCodes: Object.fromEntries([...codes].sort((a, b) => b[1] - a[1]).slice(0, 40)),
    };
  };
  const writeSummary = (final: boolean): Record<string, unknown> => {
    const s = summary(final);
    writeAtomic(join(runDir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
    return s;
  };

  return await new Promise<number>((resolveRun) => {
    const slots: Slot[] = Array.from({ length: Math.min(options.workers, total) }, () => ({
      worker: undefined,
      ready: false,
      done: 0,
      current: undefined,
      heapMb: 0,
    }));
    let finished = false;
    const retries: number[] = [];

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(progress);
      // Inputs still in flight (after Ctrl-C) are not counted: their timers and workers are dropped first, so neither records them.
      for (const s of slots) {
        if (s.current) clearTimeout(s.current.timer);
        s.current = undefined;
        const w = s.worker;
        s.worker = undefined;
        void w?.terminate();
      }
      rmSync(docsDir, { recursive: true, force: true });
      const s = writeSummary(true);
      process.stderr.write(progressLine() + '\n');
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      process.stderr.write(`summary: ${join(runDir, 'summary.json')}\n`);
      resolveRun((s['failures'] as number) > 0 ? 1 : 0);
    };

    const progressLine = (): string => {
      const seconds = (performance.now() - started) / 1000;
      const rate = checked / seconds;
      const left = total - checked;
      const failed =
        Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none';
      const heap = slots.map((s) => s.heapMb).join('/');
      return `[fuzz seed ${options.seed}] ${checked}/${total} inputs, ${rate.toFixed(1)}/s, ${seconds.toFixed(0)} s, eta ${rate > 0 ? (left / rate).toFixed(0) : '?'} s; failures: ${failed}; over ${options.timeLimitMs} ms once then passed: ${slowOnce}; worker heaps ${heap} MB`;
    };
    const progress = setInterval(() => {
      process.stderr.write(progressLine() + '\n');
      writeSummary(false);
    }, options.progressS * 1000);

    const dispatch = (slot: Slot): void => {
      if (finished || !slot.ready || slot.current || !slot.worker) return;
      // A retry runs alone: the other workers finish what they hold and wait, so it is not slowed by the run itself.
      if (slots.some((s) => s.current?.retry === true)) return;
      if (retries.length > 0 && slots.some((s) => s !== slot && s.current)) return;
      const retry = retries.length > 0;
      const index = retry ? retries.shift()! : next < total ? indices[next++]! : undefined;
      if (index === undefined) {
        if (slots.every((s) => !s.current) && retries.length === 0) finish();
        return;
      }
      const mutant = mutate(Rng.forInput(options.seed, index), pool);
      const worker = slot.worker;
      const timer = setTimeout(() => {
        // Over the limit: end the worker (the check may never return); retry once in a fresh one, so a moment of load on a shared machine is not a finding.
        const c = slot.current;
        if (finished || !c) return;
        slot.current = undefined;
        void worker.terminate();
        slot.worker = undefined;
        if (c.retry) {
          checked++;
          record(c.index, c.mutant, 'timeout', { detail: `over ${options.timeLimitMs} ms twice`, codes: [], ms: options.timeLimitMs });
        } else retries.push(c.index);
        spawn(slot);
      }, options.timeLimitMs);
      slot.current = { index, mutant, retry, timer, sentAt: performance.now() };
      worker.postMessage({ index, path: mutant.seed.path, text: mutant.text });
    };

    const spawn = (slot: Slot): void => {
      if (finished) return;
      workerStarts++;
      const worker = new Worker(new URL('./worker.ts', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: options.heapMb, stackSizeMb: options.stackMb },
      });
      slot.worker = worker;
      slot.ready = false;
      slot.done = 0;
      worker.on('message', (m: { ready?: boolean; index?: number; verdict?: Verdict; heapMb?: number }) => {
        if (slot.worker !== worker) return;
        if (m.ready) {
          slot.ready = true;
          dispatch(slot);
          return;
        }
        const c = slot.current;
        if (!c || c.index !== m.index) return;
        clearTimeout(c.timer);
        slot.current = undefined;
        const v = m.verdict!;
        checked++;
        slot.heapMb = m.heapMb ?? 0;
        if (c.retry) slowOnce++;
        for (const code of new Set(v.codes)) codes.set(code, (codes.get(code) ?? 0) + 1);
        if (v.ms > maxMs) {
          maxMs = v.ms;
          maxMsIndex = c.index;
        }
        timeHistogram[buckets.findIndex((b) => v.ms <= b) === -1 ? buckets.length : buckets.findIndex((b) => v.ms <= b)]!++;
        if (v.finding) record(c.index, c.mutant, v.finding, v);
        else if (v.codes.length === 0) clean++;
        if (++slot.done >= options.recycle) {
          void worker.terminate();
          slot.worker = undefined;
          spawn(slot);
        }
        for (const s of slots) dispatch(s);
      });
      // An out-of-memory or a crash of the thread: the input it held is recorded, and a fresh worker takes over.
      const lost = (kind: FindingKind, detail: string): void => {
        if (finished || slot.worker !== worker) return;
        slot.worker = undefined;
        const c = slot.current;
        slot.current = undefined;
        if (c) {
          clearTimeout(c.timer);
          checked++;
          record(c.index, c.mutant, kind, { detail, codes: [], ms: Math.round(performance.now() - c.sentAt) });
        } else if (!slot.ready) {
          // A worker that cannot even start would loop forever; that is a broken checkout, not a finding.
          process.stderr.write(`error: a fuzz worker failed to start: ${detail}\n`);
          process.exit(3);
        }
        spawn(slot);
        for (const s of slots) dispatch(s);
      };
      worker.on('error', (e: Error & { code?: string }) =>
        lost(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'crash', `${e.name}: ${e.message}`),
      );
      worker.on('exit', (code) => lost('crash', `the worker exited with code ${code}`));
    };

    process.once('SIGINT', () => {
      process.stderr.write('interrupted: writing the summary of the inputs checked so far\n');
      finish();
    });
    process.stderr.write(
      `fuzz: ${total} inputs from ${pool.seeds.length} seeds, seed ${options.seed}, ${slots.length} workers, ${options.timeLimitMs} ms and ${options.heapMb} MB per input; writing ${runDir}\n`,
    );
    for (const s of slots) spawn(s);
  });
}

process.exitCode = await main();
