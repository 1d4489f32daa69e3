import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { serve, type ServeArgs } from '../../src/cli/actions/serve.js';
import { runCli } from '../../src/cli/runCli.js';
import { expectGolden } from '../helpers/golden.js';
import { repoRoot } from '../helpers/semanticCases.js';
import { writeFlightsVersion } from './flightsTree.js';

const cases = join(repoRoot, 'test', 'cases', 'serve');

async function bird(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}

describe('bird serve, the command', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-cli-'));
  beforeAll(async () => {
    mkdirSync(join(root, 'empty'));
    await writeFlightsVersion(join(root, 'artifacts'), '1.0.0', 7);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('a folder with no model that loads is BIRD8100', async () => {
    const r = await bird(['serve', 'empty', '--port', '0', '--grpc-port', '0'], root);
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'nothing-to-serve', 'result.txt'), r.stderr);
  });

  test('an address it cannot listen on is BIRD8101', async () => {
    const r = await bird(['serve', 'empty', '--host', '203.0.113.1', '--port', '8501'], root);
    expect(r.code).toBe(1);
    expectGolden(join(cases, 'cannot-listen', 'result.txt'), r.stderr);
  });

  test.each([
    [['--no-batching', '--max-batch', '8'], /`--max-batch` and `--batch-delay-ms` set dynamic batching, which `--no-batching` turns off/],
    [['--no-watch', '--poll-ms', '50'], /`--poll-ms` sets how often the folder is rescanned/],
    [['--versions', 'newest'], /`--versions newest`: `newest` is not `latest`, `latest:N`, `all` or a semantic version/],
    [['--label', 'DelayMlp:stable'], /`--label DelayMlp:stable` is not MODEL:LABEL=VERSION/],
    [['--port', '70000'], /`--port` must be a port number from 0 to 65535/],
  ])('%j is a usage error, not ignored', async (flags, message) => {
    const r = await bird(['serve', 'artifacts', ...flags], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('serves until stopped, writes an access log line per request, and finishes the requests in flight', async () => {
    let stderr = '';
    const log: Record<string, unknown>[] = [];
    let stop!: () => void;
    const stopped = new Promise<string>((resolve) => (stop = () => resolve('SIGTERM')));
    const args: ServeArgs = {
      artifacts: join(root, 'artifacts'),
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      versions: [],
      labels: [],
      batching: true,
      batchDelayMs: 300,
      maxBodyBytes: 1 << 20,
      timeoutMs: 10_000,
      watch: false,
      accessLog: true,
      json: false,
      color: false,
    };
    const running = serve(
      args,
      { stdout: (t) => log.push(JSON.parse(t) as Record<string, unknown>), stderr: (t) => void (stderr += t) },
      stopped,
    );
    for (let i = 0; i < 500 && !/REST .* on (http:\/\/\S+),/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
    if (!/REST .* on (http:\/\/\S+),/.test(stderr)) throw new Error(`the server did not start: ${stderr}`);
    const url = /REST .* on (http:\/\/\S+),/.exec(stderr)![1]!;
    expect(stderr).toMatch(
      /^loaded DelayMlp 1\.0\.0 \(`serve`\)\nserving DelayMlp 1\.0\.0 \(latest:1\)\nREST \(TF Serving, KServe v2\) on http:\/\/127\.0\.0\.1:\d+, gRPC \(TF Serving\) on 127\.0\.0\.1:\d+\n$/,
    );
    const requests = Array.from({ length: 16 }, (_, i) =>
      fetch(`${url}/v1/models/DelayMlp:predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: [{ hour: i % 24, origin: 'ORD' }] }),
      }),
    );
    // Stop while the requests wait in the batch queue (300 ms): every one is still answered.
    const inFlight = async (): Promise<number> =>
      Number(/^bird_serve_requests_in_flight (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    // 16 predictions and the metrics request itself.
    for (let i = 0; i < 200 && (await inFlight()) < 17; i++) await new Promise((r) => setTimeout(r, 5));
    stop();
    const statuses = await Promise.all(requests.map(async (r) => (await r).status));
    expect(statuses).toEqual(new Array(16).fill(200));
    expect(await running).toBe(0);
    expect(stderr).toMatch(/SIGTERM: finishing the requests in flight\nstopped\n$/);
    const predictions = log.filter((l) => l['url'] !== '/metrics');
    expect(predictions.length).toBe(16);
    expect(predictions[0]).toMatchObject({
      protocol: 'tfserving_rest',
      method: 'POST',
      url: '/v1/models/DelayMlp:predict',
      status: 200,
      model: 'DelayMlp',
    });
    expect(typeof predictions[0]!['ms']).toBe('number');
  });
});
