import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ClientRow } from '../../src/data/signatureFeeds.js';
import { startServer, type RunningServer } from '../../src/serve/startServer.js';
import { parsePolicy } from '../../src/serve/versionPolicy.js';
import { expectClose } from './expectClose.js';
import { inProcess, sampleRows, writeFlightsVersion } from './flightsTree.js';

describe('bird serve over REST (TF Serving and KServe v2), with fetch', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-rest-'));
  let server: RunningServer;
  let rows: ClientRow[];
  let v1: number[];
  let v2: number[];
  const post = async (path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(server.url + path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const get = async (path: string): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(server.url + path);
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const d1 = await writeFlightsVersion(root, '1.0.0', 7);
    const d2 = await writeFlightsVersion(root, '1.1.0', 8);
    rows = await sampleRows(5);
    // A missing distance and origin, and an unseen airport: the server applies the defaults as the client does.
    rows[1] = { ...rows[1]!, distance: '', origin: '' };
    rows[2] = { ...rows[2]!, origin: 'XYZ' };
    v1 = await inProcess(d1, rows);
    v2 = await inProcess(d2, rows);
    const policy = parsePolicy('latest:2');
    if (!('policy' in policy)) throw new Error(policy.problem);
    server = await startServer({
      root,
      host: '127.0.0.1',
      port: 0,
      bodyLimit: 64 * 1024,
      timeoutMs: 10_000,
      serverVersion: '0.1.0',
      defaultPolicy: policy.policy,
      labels: new Map([
        [
          'DelayMlp',
          new Map([
            ['stable', '1.0.0'],
            ['canary', '1.1.0'],
          ]),
        ],
      ]),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** The rows as JSON instances: numbers as numbers, a missing value left out. */
  const instances = (): Record<string, unknown>[] =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, ['hour', 'dayofweek', 'month', 'distance'].includes(k) ? Number(v) : v]),
      ),
    );

  test('TF Serving predict, row form: the newest version, as `bird predict ARTIFACT` computes it', async () => {
    const r = await post('/v1/models/DelayMlp:predict', { instances: instances() });
    expect(r.status).toBe(200);
    const predictions = r.json['predictions'] as number[][];
    expect(predictions.every((p) => p.length === 1)).toBe(true);
    expectClose(
      predictions.map((p) => p[0]!),
      v2,
    );
    expect(v1).not.toEqual(v2);
  });

  test('TF Serving predict, columnar form, by version, major version and label', async () => {
    const inputs: Record<string, unknown[]> = {};
    for (const name of Object.keys(rows[0]!)) inputs[name] = rows.map((r) => r[name] ?? null);
    for (const path of ['/v1/models/DelayMlp/versions/1.0.0:predict', '/v1/models/DelayMlp/labels/stable:predict']) {
      const r = await post(path, { signature_name: 'serve', inputs });
      expect(r.status).toBe(200);
      expectClose(
        (r.json['outputs'] as number[][]).map((p) => p[0]!),
        v1,
      );
    }
    const major = await post('/v1/models/DelayMlp/versions/1:predict', { inputs });
    expectClose(
      (major.json['outputs'] as number[][]).map((p) => p[0]!),
      v2,
    );
    const canary = await post('/v1/models/DelayMlp/labels/canary:predict', { instances: instances() });
    expectClose(
      (canary.json['predictions'] as number[][]).map((p) => p[0]!),
      v2,
    );
  });

  test('TF Serving model status and metadata', async () => {
    const status = await get('/v1/models/DelayMlp');
    expect(status.json).toEqual({
      model_version_status: [
        { version: '1.1.0', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        { version: '1.0.0', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    });
    expect((await get('/v1/models/DelayMlp/labels/stable')).json['model_version_status']).toEqual([
      { version: '1.0.0', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
    const meta = await get('/v1/models/DelayMlp/versions/1.0.0/metadata');
    expect(meta.status).toBe(200);
    const sig = (
      meta.json['metadata'] as {
        signature_def: {
          signature_def: Record<
            string,
            { inputs: Record<string, { dtype: string }>; outputs: Record<string, unknown>; method_name: string }
          >;
        };
      }
    ).signature_def.signature_def['serve']!;
    expect(Object.keys(sig.inputs).sort()).toEqual(Object.keys(rows[0]!).sort());
    expect(sig.inputs['distance']!.dtype).toBe('DT_FLOAT');
    expect(sig.inputs['origin']!.dtype).toBe('DT_STRING');
    expect(sig.outputs['p_delayed']).toEqual({
      dtype: 'DT_FLOAT',
      tensor_shape: {
        dim: [
          { size: '-1', name: '' },
          { size: '1', name: '' },
        ],
        unknown_rank: false,
      },
      name: 'p_delayed',
    });
    expect(meta.json['model_spec']).toEqual({ name: 'DelayMlp', signature_name: '', version: '1.0.0' });
  });

  test('KServe v2 infer, health and metadata', async () => {
    expect((await get('/v2/health/live')).json).toEqual({ live: true });
    expect(await get('/v2/health/ready')).toEqual({ status: 200, json: { ready: true } });
    expect((await get('/v2/models/DelayMlp/ready')).json).toEqual({ name: 'DelayMlp', ready: true });
    const meta = await get('/v2/models/DelayMlp');
    expect(meta.json['versions']).toEqual(['1.1.0', '1.0.0']);
    expect((meta.json['outputs'] as unknown[])[0]).toEqual({ name: 'p_delayed', datatype: 'FP32', shape: [-1, 1] });
    const numeric = ['hour', 'dayofweek', 'month', 'distance'];
    const inputs = Object.keys(rows[0]!).map((name) => ({
      name,
      shape: [rows.length],
      datatype: numeric.includes(name) ? (name === 'distance' ? 'FP32' : 'INT64') : 'BYTES',
      data: rows.map((r) => (numeric.includes(name) ? (r[name] === '' ? null : Number(r[name])) : r[name])),
    }));
    const r = await post('/v2/models/DelayMlp/versions/1.0.0/infer', { id: 'q1', inputs });
    expect(r.status).toBe(200);
    expect(r.json['model_name']).toBe('DelayMlp');
    expect(r.json['model_version']).toBe('1.0.0');
    expect(r.json['id']).toBe('q1');
    const out = (r.json['outputs'] as { name: string; datatype: string; shape: number[]; data: number[] }[])[0]!;
    expect([out.name, out.datatype, out.shape]).toEqual(['p_delayed', 'FP32', [rows.length, 1]]);
    expectClose(out.data, v1);
  });

  test.each([
    [
      'an unknown feature, with a suggestion',
      '/v1/models/DelayMlp:predict',
      { instances: [{ distanse: 3 }] },
      400,
      /unknown feature `distanse` in instances\[0\]\.distanse.*did you mean `distance`/,
    ],
    [
      'a wrong type',
      '/v1/models/DelayMlp:predict',
      { instances: [{ hour: 'noon' }] },
      400,
      /instances\[0\]\.hour is "noon", but feature `hour` is `discrete` and takes an integer from 0 to 23/,
    ],
    ['a discrete value out of range', '/v1/models/DelayMlp:predict', { inputs: { hour: [3, 24] } }, 400, /inputs\.hour\[1\] is 24/],
    [
      'columns of different lengths',
      '/v1/models/DelayMlp:predict',
      { inputs: { hour: [3, 4], month: [1] } },
      400,
      /different numbers of rows/,
    ],
    ['both forms', '/v1/models/DelayMlp:predict', { instances: [{}], inputs: {} }, 400, /exactly one of `instances`/],
    ['an unknown body field', '/v1/models/DelayMlp:predict', { instance: [] }, 400, /unknown field `instance`/],
    ['an unknown model', '/v1/models/Nope:predict', { instances: [{}] }, 404, /model `Nope` is not served; the models are `DelayMlp`/],
    [
      'an unknown version',
      '/v1/models/DelayMlp/versions/3.0.0:predict',
      { instances: [{}] },
      404,
      /version 3.0.0 is not loaded \(loaded: 1.1.0, 1.0.0\)/,
    ],
    [
      'an unknown label',
      '/v1/models/DelayMlp/labels/beta:predict',
      { instances: [{}] },
      404,
      /has no label `beta`; its labels are `stable`, `canary`/,
    ],
    [
      'an unknown signature',
      '/v1/models/DelayMlp:predict',
      { signature_name: 'embed', instances: [{}] },
      404,
      /has no signature `embed`; it has `serve`/,
    ],
    [
      'an incompatible signature major version',
      '/v1/models/DelayMlp:predict',
      { signature_name: 'serve@2', instances: [{}] },
      400,
      /signature `serve` of DelayMlp 1.1.0 is version 1.0.0, which does not honour the requested 2/,
    ],
    ['malformed JSON', '/v1/models/DelayMlp:predict', '{"instances": [', 400, /the body is not JSON/],
    [
      'a body over the size limit',
      '/v1/models/DelayMlp:predict',
      { instances: Array.from({ length: 5000 }, () => ({ origin: 'ORD' })) },
      413,
      /over the limit of 65536 bytes/,
    ],
    ['classify', '/v1/models/DelayMlp:classify', { instances: [{}] }, 400, /Bird serves `:predict`/],
    [
      'a KServe tensor of the wrong shape',
      '/v2/models/DelayMlp/infer',
      { inputs: [{ name: 'hour', shape: [2], datatype: 'INT64', data: [1] }] },
      400,
      /inputs\[0\] \(`hour`\) has shape \[2\], which holds 2 values, but it has 1/,
    ],
    [
      'a KServe unknown output',
      '/v2/models/DelayMlp/infer',
      { inputs: [{ name: 'hour', shape: [1], datatype: 'INT64', data: [1] }], outputs: [{ name: 'p' }] },
      400,
      /unknown output `p`/,
    ],
  ])("%s is a 4xx naming the field, in the protocol's error form", async (_what, path, body, status, message) => {
    const r = await post(path, body);
    expect(r.status).toBe(status);
    expect(Object.keys(r.json)).toEqual(['error']);
    expect(r.json['error']).toMatch(message);
  });

  test('/healthz, /readyz and /metrics', async () => {
    expect((await get('/healthz')).json).toEqual({ live: true });
    expect(await get('/readyz')).toEqual({ status: 200, json: { ready: true, models: ['DelayMlp'] } });
    const text = await (await fetch(server.url + '/metrics')).text();
    expect(text).toMatch(/bird_serve_requests_total\{protocol="tfserving_rest",model="DelayMlp",code="200"\} [1-9]/);
    expect(text).toMatch(/bird_serve_requests_total\{protocol="tfserving_rest",model="DelayMlp",code="400"\} [1-9]/);
    expect(text).toMatch(/bird_serve_model_versions_loaded\{model="DelayMlp"\} 2/);
    expect(text).toMatch(/bird_serve_batch_rows_count\{model="DelayMlp",signature="serve"\} [1-9]/);
  });

  test('a request for a model never loaded is counted as (unknown), not by the name it gave', async () => {
    for (const name of ['Made1', 'Made2', 'Made3'])
      expect((await post(`/v1/models/${name}:predict`, { instances: [{}] })).status).toBe(404);
    const text = await (await fetch(server.url + '/metrics')).text();
    expect(text).not.toMatch(/model="Made/);
    expect(text).toMatch(/bird_serve_requests_total\{protocol="tfserving_rest",model="\(unknown\)",code="404"\} ([3-9]|\d\d)/);
  });
});
