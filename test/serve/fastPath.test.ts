import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { OnnxValue } from '../../src/backends/onnx/runOnnx.js';
import { signatureFeeds } from '../../src/data/signatureFeeds.js';
import { nestedValues, nestedValuesJson } from '../../src/serve/featureTensors.js';
import { Servable } from '../../src/serve/servable.js';
import type { RowsOutput } from '../../src/serve/signatureRunner.js';
import { sampleRows, writeFlightsVersion } from './flightsTree.js';

/** Feeds as plain values, with -0 and NaN spelled out (toEqual would not tell -0 from 0 in a typed array). */
const plainFeeds = (feeds: Readonly<Record<string, OnnxValue>>): unknown =>
  Object.fromEntries(
    Object.entries(feeds).map(([name, v]) => [
      name,
      {
        dtype: v.dtype,
        dims: [...v.dims],
        data: Array.from(v.data as ArrayLike<unknown>, (x) => (Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : String(x))),
      },
    ]),
  );

describe('the server fast path (values straight into the tensors, the answer as one string)', () => {
  const root = mkdtempSync(join(tmpdir(), 'bird-serve-fast-'));
  let servable: Servable;
  let instances: Record<string, unknown>[];

  beforeAll(async () => {
    servable = await Servable.load(await writeFlightsVersion(root, '1.0.0', 7));
    const numeric = ['hour', 'dayofweek', 'month', 'distance'];
    instances = (await sampleRows(64)).map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, numeric.includes(k) ? Number(v) : v]),
      ),
    );
    // A -0, a missing number and a missing string: the fast path writes what the general one writes for them.
    instances[3]!['distance'] = -0;
    delete instances[4]!['distance'];
    delete instances[5]!['origin'];
  });
  afterAll(async () => {
    await servable.unload();
    rmSync(root, { recursive: true, force: true });
  });

  test('the row form: the same feeds as the rows signatureFeeds encodes', () => {
    const served = servable.signature(undefined);
    const fast = served.rows.readInstances(instances);
    expect('feeds' in fast).toBe(true);
    const general = signatureFeeds(served.signature.inputs, served.rows.instances(instances));
    expect(plainFeeds((fast as { feeds: Record<string, OnnxValue> }).feeds)).toEqual(plainFeeds(general));
  });

  test('the columnar form: the same feeds as the rows signatureFeeds encodes', () => {
    const served = servable.signature(undefined);
    // Every list as long as the rows (an empty string where the row has no origin).
    const columns = Object.fromEntries(['hour', 'dayofweek', 'month', 'origin'].map((k) => [k, instances.map((r) => r[k] ?? '')]));
    const fast = served.rows.readColumns(columns);
    expect('feeds' in fast).toBe(true);
    const general = signatureFeeds(served.signature.inputs, served.rows.columns(columns));
    expect(plainFeeds((fast as { feeds: Record<string, OnnxValue> }).feeds)).toEqual(plainFeeds(general));
  });

  test('values the fast path does not take go the general way, with its message', () => {
    const served = servable.signature(undefined);
    // A number as text: the general path accepts it.
    const text = served.rows.readInstances([{ ...instances[0], distance: '812' }]);
    expect('rows' in text).toBe(true);
    expect(() => served.rows.readInstances([{ ...instances[0], hour: 99 }])).toThrow(/instances\[0\]\.hour/);
    expect(() => served.rows.readInstances([{ ...instances[0], hours: 1 }])).toThrow(/unknown feature `hours`/);
  });

  test('the answer written as one string is JSON.stringify of the nested lists', () => {
    for (const dims of [[3], [3, 1], [2, 3], [2, 2, 2], [1, 1, 1, 4], [0], [2, 0]]) {
      const n = dims.reduce((p, q) => p * q, 1);
      const outputs: RowsOutput[] = [
        { name: 'f', dtype: 'float32', dims, data: Float32Array.from({ length: n }, (_, i) => (i === 1 ? NaN : i / 7 - 0.5)) },
        { name: 'i', dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 7 - 3)) },
        { name: 'b', dtype: 'bool', dims, data: Uint8Array.from({ length: n }, (_, i) => i % 2) },
        { name: 's', dtype: 'string', dims, data: Array.from({ length: n }, (_, i) => `s"${i}\n`) },
      ];
      for (const o of outputs) expect(nestedValuesJson(o)).toBe(JSON.stringify(nestedValues(o)));
    }
  });
});
