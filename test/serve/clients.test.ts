import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ClientRow } from '../../src/data/signatureFeeds.js';
import { protoLoaderOptions, protoRoot } from '../../src/serve/grpcServer.js';
import { startServer, type RunningServer } from '../../src/serve/startServer.js';
import { venvPython } from '../helpers/python.js';
import { expectClose } from './expectClose.js';
import { inProcess, sampleRows, writeFlightsVersion } from './flightsTree.js';

/** A TF Serving gRPC client from the protos: `json` decodes the metadata's Any as its message. */
function client(
  port: number,
  json: boolean,
): grpc.Client &
  Record<string, (request: unknown, callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void) => void> {
  const definition = grpc.loadPackageDefinition(
    loadSync(join('tensorflow_serving', 'apis', 'prediction_service.proto'), { ...protoLoaderOptions, includeDirs: [protoRoot], json }),
  );
  const Service = ((definition['tensorflow'] as grpc.GrpcObject)['serving'] as grpc.GrpcObject)[
    'PredictionService'
  ] as grpc.ServiceClientConstructor;
  return new Service(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as never;
}

const call = (
  c: ReturnType<typeof client>,
  method: string,
  request: unknown,
): Promise<{ error: grpc.ServiceError | null; response: Record<string, unknown> }> =>
  new Promise((resolve) => c[method]!(request, (error, response) => resolve({ error, response })));

describe("bird serve with real clients: gRPC (grpc-js and Bird's TF Serving protos) and Python urllib", () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-clients-'));
  let server: RunningServer;
  let rows: ClientRow[];
  let expected: number[];

  beforeAll(async () => {
    const dir = await writeFlightsVersion(root, '1.0.0', 7);
    rows = await sampleRows(6);
    rows[3] = { ...rows[3]!, distance: '', origin: 'XYZ' };
    expected = await inProcess(dir, rows);
    server = await startServer({
      root,
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      bodyLimit: 1 << 20,
      timeoutMs: 10_000,
      serverVersion: '0.1.0',
      batching: { maxBatch: 64, delayMs: 1 },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const numeric = ['hour', 'dayofweek', 'month', 'distance'];

  test('Predict with typed values and with tensor_content, as `bird predict ARTIFACT` computes it', async () => {
    const c = client(server.grpcPort!, false);
    const n = rows.length;
    const shape = { dim: [{ size: n }] };
    const inputs: Record<string, unknown> = {};
    for (const name of Object.keys(rows[0]!)) {
      if (name === 'distance') {
        const content = Buffer.alloc(4 * n);
        rows.forEach((r, i) => content.writeFloatLE(r[name] === '' ? NaN : Number(r[name]), 4 * i));
        inputs[name] = { dtype: 'DT_FLOAT', tensor_shape: shape, tensor_content: content };
      } else if (numeric.includes(name)) inputs[name] = { dtype: 'DT_INT64', tensor_shape: shape, int64_val: rows.map((r) => r[name]) };
      else inputs[name] = { dtype: 'DT_STRING', tensor_shape: shape, string_val: rows.map((r) => Buffer.from(r[name]!)) };
    }
    const { error, response } = await call(c, 'Predict', { model_spec: { name: 'DelayMlp', signature_name: 'serve' }, inputs });
    expect(error).toBeNull();
    const out = (response['outputs'] as Record<string, { dtype: string; tensor_shape: { dim: { size: string }[] }; float_val: number[] }>)[
      'p_delayed'
    ]!;
    expect(out.dtype).toBe('DT_FLOAT');
    expect(out.tensor_shape.dim.map((d) => d.size)).toEqual([String(n), '1']);
    expectClose(out.float_val, expected);
    expect(response['model_spec']).toMatchObject({ name: 'DelayMlp', version: { value: '1' }, signature_name: 'serve' });
    // A major version and an exact version pick the same model; another major is NOT_FOUND.
    const byMajor = await call(c, 'Predict', { model_spec: { name: 'DelayMlp', version: { value: 1 } }, inputs });
    expectClose((byMajor.response['outputs'] as Record<string, { float_val: number[] }>)['p_delayed']!.float_val, expected);
    const exact = await call(c, 'Predict', { model_spec: { name: 'DelayMlp', version_label: '1.0.0' }, inputs });
    expect(exact.error).toBeNull();
    const other = await call(c, 'Predict', { model_spec: { name: 'DelayMlp', version: { value: 2 } }, inputs });
    expect([other.error?.code, other.error?.details]).toEqual([
      grpc.status.NOT_FOUND,
      'model `DelayMlp` has no loaded version of major 2 (loaded: 1.0.0)',
    ]);
    c.close();
  });

  test('bad gRPC requests get INVALID_ARGUMENT or NOT_FOUND naming the field', async () => {
    const c = client(server.grpcPort!, false);
    const bad = async (request: unknown): Promise<[number | undefined, string | undefined]> => {
      const { error } = await call(c, 'Predict', request);
      return [error?.code, error?.details];
    };
    expect(
      await bad({
        model_spec: { name: 'DelayMlp' },
        inputs: { hours: { dtype: 'DT_INT64', tensor_shape: { dim: [{ size: 1 }] }, int64_val: [3] } },
      }),
    ).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringMatching(/unknown feature `hours`.*did you mean `hour`/)]);
    expect(
      await bad({
        model_spec: { name: 'DelayMlp' },
        inputs: { hour: { dtype: 'DT_INT64', tensor_shape: { dim: [{ size: 2 }, { size: 2 }] }, int64_val: [3, 4, 5, 6] } },
      }),
    ).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringMatching(/feature `hour` is `discrete`, one value a row: send shape \[2\]/)]);
    expect(await bad({ model_spec: { name: 'Nope' }, inputs: { hour: { dtype: 'DT_INT64', int64_val: [3] } } })).toEqual([
      grpc.status.NOT_FOUND,
      expect.stringMatching(/model `Nope` is not served/),
    ]);
    expect(
      await bad({ model_spec: { name: 'DelayMlp', signature_name: 'serve@2' }, inputs: { hour: { dtype: 'DT_INT64', int64_val: [3] } } }),
    ).toEqual([grpc.status.FAILED_PRECONDITION, expect.stringMatching(/does not honour the requested 2/)]);
    expect(await bad({ inputs: {} })).toEqual([grpc.status.INVALID_ARGUMENT, expect.stringMatching(/model_spec.name/)]);
    c.close();
  });

  test('GetModelMetadata returns the signatures as a SignatureDefMap', async () => {
    const c = client(server.grpcPort!, true);
    const { error, response } = await call(c, 'GetModelMetadata', { model_spec: { name: 'DelayMlp' }, metadata_field: ['signature_def'] });
    expect(error).toBeNull();
    const map = (
      response['metadata'] as Record<
        string,
        {
          '@type': string;
          signature_def: Record<
            string,
            {
              inputs: Record<string, { dtype: string }>;
              outputs: Record<string, { dtype: string; tensor_shape: unknown }>;
              method_name: string;
            }
          >;
        }
      >
    )['signature_def']!;
    expect(map['@type']).toBe('type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const serve = map.signature_def['serve']!;
    expect(serve.method_name).toBe('tensorflow/serving/predict');
    expect(Object.keys(serve.inputs).sort()).toEqual(Object.keys(rows[0]!).sort());
    expect(serve.inputs['origin']!.dtype).toBe('DT_STRING');
    expect(serve.outputs['p_delayed']).toMatchObject({ dtype: 'DT_FLOAT', tensor_shape: { dim: [{ size: '-1' }, { size: '1' }] } });
    const unknown = await call(c, 'GetModelMetadata', { model_spec: { name: 'DelayMlp' }, metadata_field: ['graph'] });
    expect(unknown.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    c.close();
  });

  test('a Python client built on urllib alone: status, TF Serving predict, KServe infer, a 400', async () => {
    const instances = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, numeric.includes(k) ? Number(v) : v]),
      ),
    );
    // Spawned asynchronously: the server runs in this process and must keep answering.
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(venvPython(), [join(import.meta.dirname, 'urllib_client.py')]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve({ stdout, stderr }));
      child.stdin.end(JSON.stringify({ url: server.url, model: 'DelayMlp', instances }));
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, [number, Record<string, unknown>]>;
    expect(out['status']![0]).toBe(200);
    expect((out['status']![1]['model_version_status'] as { state: string }[])[0]!.state).toBe('AVAILABLE');
    expect(out['predict']![0]).toBe(200);
    expectClose(
      (out['predict']![1]['predictions'] as number[][]).map((p) => p[0]!),
      expected,
    );
    expect(out['infer']![0]).toBe(200);
    expectClose((out['infer']![1]['outputs'] as { data: number[] }[])[0]!.data, expected);
    expect(out['bad']![0]).toBe(400);
    expect(out['bad']![1]['error']).toMatch(/instances\[0\]\.hour is "noon"/);
  });
});
