import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../../src/serve/startServer.js';
import { writeFlightsVersion } from './flightsTree.js';

describe('bird serve: hot reload without a failed request, and malformed requests', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-reload-'));
  let server: RunningServer;
  const events: string[] = [];

  beforeAll(async () => {
    await writeFlightsVersion(root, '1.0.0', 7);
    server = await startServer({
      root,
      host: '127.0.0.1',
      port: 0,
      bodyLimit: 256 * 1024,
      timeoutMs: 10_000,
      pollMs: 100,
      serverVersion: '0.1.0',
      batching: { maxBatch: 32, delayMs: 1 },
      onLoaded: (s) => events.push(`loaded ${s.version}`),
      onUnloaded: (_m, v) => events.push(`unloaded ${v}`),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const infer = async (): Promise<{ status: number; version: string }> => {
    const r = await fetch(`${server.url}/v2/models/DelayMlp/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [
          { name: 'origin', shape: [1], datatype: 'BYTES', data: ['ORD'] },
          { name: 'hour', shape: [1], datatype: 'INT64', data: [7] },
        ],
      }),
    });
    const body = (await r.json()) as { model_version?: string };
    return { status: r.status, version: body.model_version ?? '' };
  };

  test('a new version is loaded and swapped in, a removed one drains, while clients send: zero failed requests', async () => {
    const answers: { status: number; version: string }[] = [];
    let sending = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (sending) answers.push(await infer());
    });
    const until = async (what: () => boolean): Promise<void> => {
      for (let i = 0; i < 600 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(what()).toBe(true);
    };
    await until(() => answers.length >= 20);
    // `bird export` of 1.1.0 while the clients send.
    await writeFlightsVersion(root, '1.1.0', 8);
    await until(() => answers.at(-1)?.version === '1.1.0' && events.includes('unloaded 1.0.0'));
    const afterSwap = answers.length;
    await until(() => answers.length >= afterSwap + 20);
    // Removing 1.1.0 brings 1.0.0 back (latest:1 of what is on disk), again without a failure.
    rmSync(join(root, 'DelayMlp', '1.1.0'), { recursive: true });
    await until(() => answers.at(-1)?.version === '1.0.0' && events.includes('unloaded 1.1.0'));
    sending = false;
    await Promise.all(clients);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const versions = answers.map((a) => a.version).filter((v, i, all) => i === 0 || all[i - 1] !== v);
    expect(versions).toEqual(['1.0.0', '1.1.0', '1.0.0']);
    expect(events).toEqual(['loaded 1.0.0', 'loaded 1.1.0', 'unloaded 1.0.0', 'loaded 1.0.0', 'unloaded 1.1.0']);
  }, 60_000);

  test('malformed requests never crash the server nor get a 5xx, and it keeps serving', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const feature = fc.constantFrom(
      'hour',
      'origin',
      'distance',
      'route',
      'month',
      'dayofweek',
      'destination',
      'nope',
      '',
      '__proto__',
      'constructor',
    );
    const instance = fc.dictionary(feature, json, { maxKeys: 4 });
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      json.map((v) => JSON.stringify(v)),
      fc.record({ instances: fc.oneof(json, fc.array(instance, { maxLength: 4 })) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            inputs: fc.oneof(json, fc.dictionary(feature, fc.oneof(json, fc.array(json, { maxLength: 3 })), { maxKeys: 4 })),
            signature_name: fc.oneof(fc.string(), json),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            inputs: fc.array(
              fc.record(
                {
                  name: feature,
                  shape: fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 3 }),
                  datatype: fc.constantFrom('BYTES', 'FP32', 'INT64', 'X'),
                  data: fc.oneof(json, fc.array(json, { maxLength: 5 })),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 3 },
            ),
            outputs: json,
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    const path = fc.constantFrom(
      '/v1/models/DelayMlp:predict',
      '/v1/models/DelayMlp/versions/1:predict',
      '/v1/models/DelayMlp/labels/x:predict',
      '/v1/models/%E0%A4%A:predict',
      '/v1/models/DelayMlp/versions/abc:predict',
      '/v2/models/DelayMlp/infer',
      '/v2/models/Nope/versions/1.0.0/infer',
      '/v1/models/DelayMlp:regress',
      '/v1/models/DelayMlp/metadata',
    );
    await fc.assert(
      fc.asyncProperty(
        path,
        body,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (p, b, type) => {
          const r = await fetch(server.url + p, { method: 'POST', body: b, headers: { 'content-type': type } });
          const text = await r.text();
          expect({ p, b, status: r.status < 500 }).toEqual({ p, b, status: true });
          if (r.status >= 400) expect(Object.keys(JSON.parse(text) as object)).toEqual(['error']);
        },
      ),
      { numRuns: 150, seed: 15 },
    );
    // A body over the limit, and one cut short.
    const huge = await fetch(`${server.url}/v1/models/DelayMlp:predict`, {
      method: 'POST',
      body: JSON.stringify({ instances: new Array(40_000).fill({ origin: 'ORD' }) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: string }).error).toMatch(/over the limit of 262144 bytes/);
    expect((await infer()).status).toBe(200);
  }, 120_000);
});
