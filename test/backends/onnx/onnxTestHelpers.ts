import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { ExportedSignature } from '../../../src/backends/onnx/exportedSignature.js';
import { Dataset, dataSource } from '../../../src/data/dataset.js';
import { xorshift32 } from '../../../src/data/xorshift.js';
import { compileModel } from '../../../src/ir/compileModel.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { checkFile, repoRoot } from '../../helpers/semanticCases.js';

/** Stated tolerance of the ONNX backend against TF.js, float32: |onnx - tf| <= abs + rel * |tf|. */
export const tolerance = { abs: 1e-5, rel: 1e-4 } as const;

/** A seeded source of uniform numbers in [0, 1) and standard normals. */
export function rng(seed: number): { uniform(): number; normal(): number; int(n: number): number } {
  const next = xorshift32(seed);
  const uniform = (): number => next() / 2 ** 32;
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    int: (n) => Math.floor(uniform() * n),
  };
}

/** Normal weights with standard deviation `std` for every parameter of the graph, by name. */
export function randomWeights(graph: IrGraph, seed: number, std = 0.3): Map<string, Float32Array> {
  const r = rng(seed);
  const weights = new Map<string, Float32Array>();
  for (const n of graph.nodes) {
    if (n.op !== 'param') continue;
    const size = (n.attrs['shape'] as number[]).reduce((p, q) => p * q, 1);
    weights.set(
      String(n.attrs['name']),
      Float32Array.from({ length: size }, () => r.normal() * std),
    );
  }
  return weights;
}

/** Compiles a bundled model and fits its transforms on its own data (or `data`, relative to the working folder, split as its train section says). */
export async function fittedModel(file: string, data?: string): Promise<{ graph: IrGraph; dataset: Dataset; modelPath: string }> {
  const modelPath = join(repoRoot, 'models', file);
  const graph = compileModel(checkFile(modelPath, repoRoot).models[0]!).graph;
  const dataset = new Dataset(graph, dataSource(graph.train?.settings['data'], modelPath, data)!);
  return { graph: await dataset.fit(), dataset, modelPath };
}

/** The largest violation of the tolerance (0 when within), and the largest absolute difference. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>): { maxAbs: number; worst: number; at: number } {
  let maxAbs = 0;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const d = Math.abs(a - e);
    const excess = Number.isNaN(d) ? Infinity : d - (tolerance.abs + tolerance.rel * Math.abs(e));
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  return { maxAbs, worst, at };
}

/**
 * The Python with the `onnx` package, for the checker: `$BIRD_PYTHON`, else the first of
 * `python3` on the PATH and the system `/usr/bin/python3` (where Debian's python3-onnx
 * installs it) that can import it.
 */
export function onnxPython(): string | null {
  const candidates = [process.env['BIRD_PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const p of candidates) {
    const r = spawnSync(p, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  return null;
}

export const checkerScript = join(repoRoot, 'test', 'backends', 'onnx', 'check_onnx.py');

/**
 * Runs `onnx.checker.check_model(full_check=True)` on each exported model. Without a
 * Python that has `onnx`, this fails under CI=true (.ci/run installs python3-onnx) and
 * only warns elsewhere.
 */
export function checkModels(model: string, signatures: readonly ExportedSignature[]): void {
  const python = onnxPython();
  if (!python) {
    if (process.env['CI'] === 'true')
      throw new Error('the ONNX checker needs Python with the `onnx` package: apt-get install python3-onnx');
    console.warn('skipping onnx.checker: no Python with the `onnx` package (apt-get install python3-onnx)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bird-onnx-check-'));
  try {
    const paths = signatures.map((sig) => {
      const path = join(dir, `${model}.${sig.name}.onnx`);
      writeFileSync(path, sig.onnx);
      return path;
    });
    const run = spawnSync(python, [checkerScript, ...paths], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 0,
      stdout: paths.map((p) => `ok ${p}\n`).join(''),
      stderr: '',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
