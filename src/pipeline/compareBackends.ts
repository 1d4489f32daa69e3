import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportedSignature } from '../backends/onnx/exportedSignature.js';
import { OnnxSession, type OnnxValue } from '../backends/onnx/runOnnx.js';
import type { Tf } from '../backends/tfjs/loadTf.js';
import { csvText } from '../data/clientRows.js';
import { Dataset } from '../data/dataset.js';
import { rowsTempDir } from '../data/rowsTempDir.js';
import { signatureFeeds, type ClientRow } from '../data/signatureFeeds.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { IrGraph } from '../ir/ir.js';
import { SourceFile } from '../source/sourceFile.js';
import { Trainer } from '../train/trainer.js';

/** How far ONNX Runtime may stray from TF.js on float32 outputs: |onnx - tfjs| <= abs + rel * |tfjs|. */
export const backendTolerance = { abs: 1e-5, rel: 1e-4 } as const;

/** The largest difference of one output over the compared rows, and whether it is within the tolerance. */
export interface OutputComparison {
  readonly signature: string;
  readonly output: string;
  readonly maxAbs: number;
  readonly maxRel: number;
  /** The row of the worst element (0-based among the compared rows). */
  readonly row: number;
  readonly ok: boolean;
  readonly onnx: number;
  readonly tfjs: number;
}

/** The model's outputs on raw rows through the data stage and the TF.js program, by output name. */
export async function tfjsOutputs(
  tf: Tf,
  graph: IrGraph,
  weights: ReadonlyMap<string, Float32Array>,
  rows: readonly ClientRow[],
): Promise<Map<string, Float32Array>> {
  const dir = rowsTempDir();
  const trainer = new Trainer(tf, graph, { epochs: 1, batch: 256, seed: 1, shuffle: 0 });
  try {
    const path = join(dir, 'rows.csv');
    writeFileSync(path, csvText(rows));
    trainer.restore(weights, 0);
    const dataset = new Dataset(graph, { kind: 'file', path, split: { kind: 'none' } }, undefined, 'features');
    const parts = graph.outputs.map(() => [] as Float32Array[]);
    for await (const r of trainer.predict(
      dataset.batches('train', 256),
      graph.outputs.map((o) => o.node),
    ))
      r.values.forEach((v, i) => parts[i]!.push(v.data));
    return new Map(graph.outputs.map((o, i) => [o.name, concatFloats(parts[i]!)]));
  } finally {
    trainer.program.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function concatFloats(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A signature's model run by ONNX Runtime on raw rows, encoded as a client encodes them. */
export async function onnxOutputs(
  signature: ExportedSignature,
  rows: readonly ClientRow[],
): Promise<{ feeds: Record<string, OnnxValue>; outputs: Record<string, OnnxValue> }> {
  const feeds = signatureFeeds(signature.inputs, rows);
  const session = await OnnxSession.load(signature.onnx);
  try {
    return { feeds, outputs: await session.run(feeds) };
  } finally {
    await session.release();
  }
}

/** Each output of a signature, ONNX Runtime's values against TF.js's on the same rows. */
export function compareOutputsOf(
  signature: ExportedSignature,
  onnx: Readonly<Record<string, OnnxValue>>,
  tfjs: ReadonlyMap<string, Float32Array>,
  rowCount: number,
): OutputComparison[] {
  return signature.outputs.map((o) => {
    const a = Array.from(onnx[o.name]?.data ?? [], Number);
    const b = tfjs.get(o.output) ?? new Float32Array();
    let worst = { maxAbs: 0, maxRel: 0, at: 0, ok: a.length === b.length };
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const diff = Math.abs(a[i]! - b[i]!);
      const rel = diff / Math.max(Math.abs(b[i]!), 1e-12);
      const within = diff <= backendTolerance.abs + backendTolerance.rel * Math.abs(b[i]!) || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!));
      if (diff > worst.maxAbs || Number.isNaN(diff))
        worst = { maxAbs: diff, maxRel: Math.max(worst.maxRel, rel), at: i, ok: worst.ok && within };
      else worst = { ...worst, maxRel: Math.max(worst.maxRel, rel), ok: worst.ok && within };
    }
    const width = Math.max(1, b.length / Math.max(1, rowCount));
    return {
      signature: signature.name,
      output: o.name,
      maxAbs: worst.maxAbs,
      maxRel: worst.maxRel,
      row: Math.floor(worst.at / width),
      ok: worst.ok,
      onnx: a[worst.at] ?? NaN,
      tfjs: b[worst.at] ?? NaN,
    };
  });
}

/** BIRD6002 for an output out of tolerance on `rows` rows, naming `where` (the model file, or the rows' file). */
export function disagreement(c: OutputComparison, rows: number, where: string): Diagnostic {
  const detail = `on row ${c.row + 1} of ${rows}, ${c.onnx} against ${c.tfjs} (max abs diff ${c.maxAbs.toExponential(2)}, tolerance ${backendTolerance.abs} + ${backendTolerance.rel} x |tfjs|)`;
  return diagnostic('backendsDisagree', { output: c.output, signature: c.signature, detail }, new SourceFile(where, ''), {
    start: 0,
    end: 0,
  });
}
