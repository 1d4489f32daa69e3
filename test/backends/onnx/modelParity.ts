import { expect } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSignatures } from '../../../src/backends/onnx/exportSignatures.js';
import { OnnxSession } from '../../../src/backends/onnx/runOnnx.js';
import { loadTf } from '../../../src/backends/tfjs/loadTf.js';
import { TfProgram } from '../../../src/backends/tfjs/program.js';
import { Dataset } from '../../../src/data/dataset.js';
import { readRows } from '../../../src/data/readRows.js';
import type { IrGraph } from '../../../src/ir/ir.js';
import { clientFeeds, type ClientRow } from './clientFeeds.js';
import { compare } from './onnxTestHelpers.js';

/** The first `count` rows of a data file as text fields. */
export async function firstRows(path: string, count: number): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for await (const row of readRows(path)) {
    rows.push(Object.fromEntries([...row.values].map(([k, v]) => [k, String(v ?? '')])));
    if (rows.length === count) break;
  }
  return rows;
}

/** Writes rows as a CSV file, quoting fields that need it. */
export function writeCsv(path: string, rows: readonly Record<string, string>[]): void {
  const columns = Object.keys(rows[0]!);
  const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync(path, [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n');
}

/**
 * Raw rows through the data stage and the TF.js program, and the same raw rows, encoded
 * as a client would from the signature alone, through the exported ONNX model: the first
 * signature (or the one named `signature`) and its first output.
 */
/** What `modelParity` measured: the largest difference, the worst value against the tolerance (> 0: over it) and where. */
export interface Parity {
  maxAbs: number;
  worst: number;
  at: number;
  onnx: number[];
  tf: number[];
}

/**
 * Fails unless TF.js's outputs vary (so the comparison means something) and every ONNX
 * value is within the tolerance; `over` says what was compared, for the message.
 */
export function expectParity({ maxAbs, worst, at, onnx, tf }: Parity, over: string): void {
  expect(Math.max(...tf) - Math.min(...tf)).toBeGreaterThan(0.01);
  if (worst > 0) throw new Error(`max abs diff ${maxAbs} ${over} exceeds the tolerance at ${at}: onnx ${onnx[at]} vs tf ${tf[at]}`);
}

export async function modelParity(graph: IrGraph, rows: readonly ClientRow[], seed: number, signature?: string): Promise<Parity> {
  const dir = mkdtempSync(join(tmpdir(), 'bird-onnx-'));
  try {
    const path = join(dir, 'rows.csv');
    writeCsv(path, rows);
    const { tf } = await loadTf();
    const program = new TfProgram(tf, graph, seed);
    const weights = new Map(
      [...program.variables].map(([id, v]) => [String(graph.nodes[id]!.attrs['name']), v.dataSync() as Float32Array]),
    );
    const [sig] = exportSignatures(graph, weights, signature === undefined ? {} : { only: [signature] });
    const output = graph.outputs.find((o) => o.name === sig!.outputs[0]!.output)!;
    const dataset = new Dataset(graph, { kind: 'file', path, split: { kind: 'none' } });
    const expected: number[] = [];
    for await (const batch of dataset.batches('train', 128))
      expected.push(...Array.from(program.forward(batch, [output.node]).get(output.node)!.dataSync()));
    program.dispose();
    const session = await OnnxSession.load(sig!.onnx);
    const result = await session.run(clientFeeds(sig!.inputs, rows));
    await session.release();
    const actual = Array.from(result[sig!.outputs[0]!.name]!.data as Float32Array);
    return { ...compare(actual, expected), onnx: actual, tf: expected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
