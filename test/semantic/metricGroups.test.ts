import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { compileModel } from '../../src/ir/compileModel.js';
import { printIr } from '../../src/ir/printIr.js';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { checkFile } from '../helpers/semanticCases.js';

const model = (metrics: string): string => `bird 1

import std.nn { dense }
import std.loss { bce }
import std.metric { auc, logloss, accuracy }

features F {
  x : continuous
}

labels F {
  y : binary
  z : binary
}

model M(f: F) {
  out p = sigmoid(dense(f.x, 1))
  out q = sigmoid(dense(f.x, 1))
}

train M {
  data = csv("d.csv")
  loss = bce(p, labels.y) + bce(q, labels.z)
  metrics = ${metrics}
  early_stop(metric: "accuracy", patience: 2)
}
`;

/** The metrics' names and the IR without source locations (which differ: the metrics are written in different places). */
function compiled(metrics: string): { names: string[]; ir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bird-metrics-'));
  writeFileSync(join(dir, 'm.bird'), model(metrics));
  const result = checkFile(join(dir, 'm.bird'), dir);
  expect(renderDiagnostics(result.diagnostics)).toBe('');
  const checked = result.models[0]!;
  return { names: checked.train!.metrics.map((m) => m.name), ir: printIr(compileModel(checked).graph).replace(/ # .*$/gm, '') };
}

describe('metrics attached once per output', () => {
  test('on(p, y, [...]) names and computes each metric as if written out in full', () => {
    const grouped = compiled('[on(p, labels.y, [auc, logloss, accuracy(threshold: 0.3)]), on(q, labels.z, [auc]), logloss(q, labels.z)]');
    const written = compiled(
      '[auc(p, labels.y), logloss(p, labels.y), accuracy(p, labels.y, threshold: 0.3), auc(q, labels.z), logloss(q, labels.z)]',
    );
    expect(grouped.names).toEqual([
      'auc(p, labels.y)',
      'logloss(p, labels.y)',
      'accuracy(p, labels.y, threshold: 0.3)',
      'auc(q, labels.z)',
      'logloss(q, labels.z)',
    ]);
    expect(grouped.names).toEqual(written.names);
    expect(grouped.ir).toBe(written.ir);
  });

  test('a block named `on` is called, not read as a group', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-metrics-'));
    const text = model('[on(p, labels.y, 2.0)]')
      .replace('model M', 'block on(p: f32[B, 1], y: f32[B, 1], k: float) -> f32[] {\n  return auc(p, y) * k\n}\n\nmodel M')
      .replace('early_stop(metric: "accuracy", patience: 2)', '');
    writeFileSync(join(dir, 'm.bird'), text);
    const result = checkFile(join(dir, 'm.bird'), dir);
    expect(renderDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'))).toBe('');
    expect(result.models[0]!.train!.metrics.map((m) => m.name)).toEqual(['on(p, labels.y, 2.0)']);
  });
});
