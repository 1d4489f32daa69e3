import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { createServer } from 'node:net';

/** A free TCP port on the loopback interface for the ranks' rendezvous. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RankResult {
  readonly rank: number;
  readonly code: number | null;
  readonly stderr: string;
}

/**
 * Starts `nproc` processes of `python script args`, each with the environment torchrun
 * would give it (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT):
 * the env:// rendezvous, which works where this torch's torchrun does not. Rank 0's
 * standard output lines go to `onLine`; every rank's standard error is kept (and its
 * last lines shown if it fails). If one rank fails, the others are stopped. With
 * `onStdin`, rank 0's standard input is a pipe handed to it (the script's `--gate`).
 */
export async function launchRanks(
  python: string,
  script: string,
  args: readonly string[],
  nproc: number,
  onLine: (line: string) => void,
  extraEnv: Readonly<Record<string, string>> = {},
  onStdin?: (stdin: Writable) => void,
): Promise<RankResult[]> {
  const port = await freePort();
  const children = Array.from({ length: nproc }, (_, rank) =>
    spawn(python, [script, ...args], {
      env: {
        ...process.env,
        ...extraEnv,
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        WORLD_SIZE: String(nproc),
        LOCAL_WORLD_SIZE: String(nproc),
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(port),
        PYTHONUNBUFFERED: '1',
      },
      stdio: [rank === 0 && onStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    }),
  );
  if (onStdin) {
    const stdin = children[0]!.stdin!;
    // A rank that has exited closes its end: what is written after that is dropped.
    stdin.on('error', () => undefined);
    onStdin(stdin);
  }
  return Promise.all(
    children.map(
      (child, rank) =>
        new Promise<RankResult>((resolve) => {
          let stderr = '';
          let pending = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            if (rank !== 0) return;
            pending += chunk.toString('utf8');
            const lines = pending.split('\n');
            pending = lines.pop()!;
            lines.forEach(onLine);
          });
          child.stderr!.on('data', (chunk: Buffer) => {
            stderr = (stderr + chunk.toString('utf8')).slice(-20000);
          });
          child.on('error', (error) => {
            stderr += String(error.message);
          });
          child.on('close', (code) => {
            if (pending !== '' && rank === 0) onLine(pending);
            // One rank failing leaves the others waiting on a collective: stop them.
            if (code !== 0) for (const other of children) if (other !== child && other.exitCode === null) other.kill('SIGTERM');
            resolve({ rank, code, stderr });
          });
        }),
    ),
  );
}
