import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { OnnxSession } from '../../../src/backends/onnx/runOnnx.js';
import { runCli } from '../../../src/cli/runCli.js';

// ONNX Runtime's own Sigmoid kernel gave 0 from x = -18 on in float32 (5.96e-8 at -16
// against TF.js's 1.13e-7): an exported probability of exactly 0 where TF.js gives 1.5e-8
// breaks a consumer's log(p). The exported sigmoid follows TF.js across float32's range.
test('the exported sigmoid matches TF.js to 1e-5 relative from -87 to 87, never 0 where TF.js is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bird-sigmoid-'));
  writeFileSync(
    join(dir, 's.bird'),
    'bird 1\n\nfeatures F {\n  x : continuous\n}\n\nmodel M(f: F) {\n  out p = sigmoid(f.x)\n}\n\nsignature serve @ 1.0.0 {\n  inputs f\n  outputs p\n}\n',
  );
  const code = await runCli(['compile', '--emit', 'onnx', join(dir, 's.bird'), '--out', join(dir, 's.onnx')], {
    stdout: () => undefined,
    stderr: () => undefined,
  });
  expect(code).toBe(0);
  const xs = Float32Array.from([-87, -50, -30, -20, -19.87, -18, -17, -16, -10, -1, 0, 1, 10, 16, 30, 87]);
  const session = await OnnxSession.load(readFileSync(join(dir, 's.onnx')));
  const out = await session.run({ [session.inputNames[0]!]: { dtype: 'float32', data: xs, dims: [xs.length] } });
  await session.release();
  const onnx = Array.from(Object.values(out)[0]!.data as Float32Array);
  const tfjs = Array.from(tf.sigmoid(tf.tensor(xs)).dataSync());
  onnx.forEach((p, i) => {
    expect(p).toBeGreaterThan(0);
    expect(Math.abs(p - tfjs[i]!) / tfjs[i]!).toBeLessThan(1e-5);
  });
});
