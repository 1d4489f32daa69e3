/**
 * Running `bird train` and the Python peers of ../shared/peers from a bench, each in its
 * own process, and reading back their JSON lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/source/packageRoot.js';

export const root = packageRoot();
export const fullData = join(root, '..', 'shared', 'datasets', 'flights_3m.csv.gz');

export function lastJson(text: string): Record<string, number> {
  const line = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error(`no JSON line in:\n${text}`);
  return JSON.parse(line) as Record<string, number>;
}

/** `bird train MODEL --json ...`: the last epoch's record, every epoch's, the backend it ran on and the run folder. */
export function birdTrain(
  model: string,
  args: readonly string[],
): { record: Record<string, number>; epochs: Record<string, number>[]; backend: string; run: string } {
  const run = mkdtempSync(join(tmpdir(), 'bird-run-'));
  const bird = birdCli(['train', model, '--json', '--out', run, ...args]);
  // `--json` prints one document at the end, its `epochs` the epoch records.
  const epochs = (lastJson(bird.stdout) as unknown as { epochs: Record<string, number>[] }).epochs;
  if (epochs.length === 0) throw new Error(`bird train printed no epoch:\n${bird.stdout}`);
  return { record: epochs.at(-1)!, epochs, backend: /on the (\w+) backend/.exec(bird.stderr)?.[1] ?? 'unknown', run };
}

/** One `bird` command from the sources, in the project root; throws with its stderr when it fails. */
export function birdCli(args: readonly string[]): { stdout: string; stderr: string } {
  const bird = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 26,
  });
  if (bird.status !== 0) throw new Error(`bird ${args[0] ?? ''} failed:\n${bird.stderr}`);
  return { stdout: bird.stdout, stderr: bird.stderr };
}

/**
 * `flights_peers.py --peers P` (or another peer script taking `--data` and `--peers`)
 * under a wrapper that reports its peak memory, without changing it: one JSON line per
 * peer, then the memory.
 */
export function runPeers(
  peers: readonly string[],
  data: string,
  rows?: number,
  peer = join(root, '..', 'shared', 'peers', 'flights_peers.py'),
): { lines: Record<string, number | string>[]; peakRssMb: number } {
  const wrapper = `import resource, runpy, sys\nsys.argv = ${JSON.stringify([peer, '--data', data, '--peers', peers.join(','), ...(rows === undefined ? [] : ['--rows', String(rows)])])}\ntry:\n    runpy.run_path(sys.argv[0], run_name='__main__')\nexcept SystemExit:\n    pass\nprint('{"peak_rss_mb": %d}' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024), file=sys.stderr)\n`;
  const run = spawnSync('/usr/bin/python3', ['-c', wrapper], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0)
    throw new Error(`the peers failed (they need python3-torch, python3-sklearn, python3-xgboost, python3-pandas):\n${run.stderr}`);
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, number | string>);
  return { lines, peakRssMb: lastJson(run.stderr)['peak_rss_mb']! };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
