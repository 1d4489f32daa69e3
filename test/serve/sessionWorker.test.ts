import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { ClientRow } from '../../src/data/signatureFeeds.js';
import { Servable } from '../../src/serve/servable.js';
import { startServer } from '../../src/serve/startServer.js';
import { WorkerSession } from '../../src/serve/workerSession.js';
import { expectClose } from './expectClose.js';
import { inProcess, sampleRows, writeFlightsVersion } from './flightsTree.js';

/** The rows as JSON instances: numbers as numbers, a missing value left out. */
const instancesOf = (rows: readonly ClientRow[]): Record<string, unknown>[] =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, ['hour', 'dayofweek', 'month', 'distance'].includes(k) ? Number(v) : v]),
    ),
  );

describe('bird serve --session-worker: each session in a worker thread of its own', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-worker-'));
  let dir: string;
  let rows: ClientRow[];
  let expected: number[];

  beforeAll(async () => {
    dir = await writeFlightsVersion(root, '1.0.0', 7);
    rows = await sampleRows(40);
    expected = await inProcess(dir, rows);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('predicts what ONNX Runtime predicts in this thread, for the fast path, the general path and a batch of both', async () => {
    const servable = await Servable.load(dir, { inWorker: true, batching: { maxBatch: 256, delayMs: 0 } });
    try {
      const served = servable.signature(undefined);
      const fast = served.rows.readInstances(instancesOf(rows));
      expect('feeds' in fast).toBe(true);
      // Text for a number takes the general path (the rows signatureFeeds encodes).
      const general = served.rows.readInstances(rows.map((r) => ({ ...r })));
      expect('rows' in general).toBe(true);
      const [a, b] = await Promise.all([served.runner.predict(fast), served.runner.predict(general)]);
      expectClose(Array.from(a![0]!.data as Float32Array), expected);
      expectClose(Array.from(b![0]!.data as Float32Array), expected);
    } finally {
      await servable.unload();
    }
  });

  test('the default runs the sessions in workers where the machine has a second core; inWorker: false keeps them in this thread', async () => {
    const load = jest.spyOn(WorkerSession, 'load');
    try {
      const byDefault = await Servable.load(dir);
      await byDefault.unload();
      expect(load).toHaveBeenCalledTimes(availableParallelism() > 1 ? 1 : 0);
      load.mockClear();
      const inThread = await Servable.load(dir, { inWorker: false });
      const served = inThread.signature(undefined);
      const out = await served.runner.predict(served.rows.readInstances(instancesOf(rows)));
      await inThread.unload();
      expect(load).not.toHaveBeenCalled();
      expectClose(Array.from(out[0]!.data as Float32Array), expected);
    } finally {
      load.mockRestore();
    }
  });

  test("ONNX Runtime's refusal of a run is the run's error, and the worker goes on; a released session refuses runs", async () => {
    const servable = await Servable.load(dir, { inWorker: true });
    const session = await WorkerSession.load(servable.artifact.models.get(servable.signature(undefined).signature.name)!);
    try {
      await expect(session.run({ nonsense: { dtype: 'float32', data: new Float32Array(1), dims: [1] } })).rejects.toThrow(
        /nonsense|input/i,
      );
      const served = servable.signature(undefined);
      const input = served.rows.readInstances(instancesOf(rows));
      if (!('feeds' in input)) throw new Error('expected the fast path');
      const out = await session.run(input.feeds);
      expectClose(Array.from(out[served.signature.outputs[0]!.name]!.data as Float32Array), expected);
    } finally {
      await session.release();
      await servable.unload();
    }
    await expect(session.run({})).rejects.toThrow(/released/);
  });

  test('a server with workers answers, unloads a replaced version (stopping its workers) and shuts down', async () => {
    const release = jest.spyOn(WorkerSession.prototype, 'release');
    const tree = mkdtempSync(join(tmpdir(), 'bird-serve-worker-tree-'));
    const unloaded: string[] = [];
    try {
      await writeFlightsVersion(tree, '1.0.0', 7);
      const server = await startServer({
        root: tree,
        host: '127.0.0.1',
        port: 0,
        bodyLimit: 1024 * 1024,
        timeoutMs: 10_000,
        serverVersion: '0.1.0',
        inWorker: true,
        onUnloaded: (model, version) => unloaded.push(`${model} ${version}`),
      });
      try {
        const predict = async (): Promise<number[]> => {
          const response = await fetch(`${server.url}/v1/models/DelayMlp:predict`, {
            method: 'POST',
            body: JSON.stringify({ instances: instancesOf(rows) }),
          });
          expect(response.status).toBe(200);
          return ((await response.json()) as { predictions: number[][] }).predictions.map((p) => p[0]!);
        };
        expectClose(await predict(), expected);
        // A newer version replaces it (the default policy serves the latest): the old one drains and its worker stops.
        await writeFlightsVersion(tree, '1.1.0', 8);
        await server.repository.scan();
        for (let i = 0; i < 200 && unloaded.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(unloaded).toEqual(['DelayMlp 1.0.0']);
        expect(release).toHaveBeenCalledTimes(1);
        expect(await predict()).toHaveLength(rows.length);
      } finally {
        await server.close();
      }
      expect(release).toHaveBeenCalledTimes(2);
    } finally {
      release.mockRestore();
      rmSync(tree, { recursive: true, force: true });
    }
  }, 60_000);
});
