/**
 * The pipeline's refusals about the model of a file, called in-process: which model a
 * command works on (BIRD2020-2022), whether it can be trained (BIRD2023) or exported
 * (BIRD2024), and `--signature` (BIRD3025, BIRD3026 when one is needed). Each is a diagnostic with a span in the file,
 * against its golden under test/cases/pipeline/.
 */
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { checkFile } from '../../src/pipeline/checkFile.js';
import {
  requireSignature,
  requireTrainSection,
  selectModel,
  selectOneSignature,
  selectSignatures,
  type ModelChoice,
} from '../../src/pipeline/selectModel.js';
import { expectGolden } from '../helpers/golden.js';

const cases = join(import.meta.dirname, '..', 'cases', 'pipeline');

function checked(name: string) {
  const result = checkFile(join(cases, name, 'input.bird'));
  expect(result.diagnostics).toEqual([]);
  return result.value!;
}

function golden(name: string, diagnostics: readonly Diagnostic[]): void {
  expect(diagnostics.length).toBe(1);
  expectGolden(join(cases, name, 'errors.txt'), renderDiagnostics(diagnostics, { color: false }).replaceAll(cases + '/', ''));
}

function select(name: string, model: string | undefined, choice: ModelChoice, run?: string) {
  const file = checked(name);
  return selectModel(file.source, file.models, model, choice, run === undefined ? undefined : { run });
}

describe('selectModel', () => {
  test('a file without a model: BIRD2020 at its start', () => {
    const r = select('no-model', undefined, 'trainable');
    expect(r.value).toBeUndefined();
    golden('no-model', r.diagnostics);
  });

  test('a name the file does not declare: BIRD2021 at its first model, listing them', () => {
    const r = select('no-such-model', 'C', 'only');
    expect(r.value).toBeUndefined();
    golden('no-such-model', r.diagnostics);
  });

  test('a run whose model the file no longer declares: BIRD2021 with a note naming the run', () => {
    const r = select('run-model-gone', 'Old', 'only', 'runs/Old/1');
    expect(r.value).toBeUndefined();
    golden('run-model-gone', r.diagnostics);
  });

  test('several models and none named: BIRD2022 at the second, the first as a secondary label; `trainable` takes the first', () => {
    const r = select('several-models', undefined, 'only');
    expect(r.value).toBeUndefined();
    golden('several-models', r.diagnostics);
    expect(select('several-models', undefined, 'trainable').value?.name).toBe('A');
    expect(select('several-models', 'B', 'only').value?.name).toBe('B');
  });

  test('a model without a train section: BIRD2023 at its name', () => {
    const model = select('no-train-section', undefined, 'only').value!;
    golden('no-train-section', [requireTrainSection(model, 'train')!]);
    expect(requireSignature(model, 'export')).toBeUndefined();
  });

  test('a model without a signature: BIRD2024 at its name', () => {
    const model = select('no-signature', undefined, 'only').value!;
    golden('no-signature', [requireSignature(model, 'export')!]);
  });

  test('a signature the model does not declare: BIRD3025; no name gives them all', () => {
    const model = select('no-such-signature', undefined, 'only').value!;
    const r = selectSignatures(model, 'score');
    expect(r.value).toBeUndefined();
    golden('no-such-signature', r.diagnostics);
    expect(selectSignatures(model, undefined).value?.map((s) => s.name)).toEqual(['serve']);
    expect(selectSignatures(model, 'serve').value?.map((s) => s.name)).toEqual(['serve']);
  });

  test('one signature for a model with several and none named: BIRD3026 at its name; a name or an only one picks it', () => {
    const model = select('several-signatures', undefined, 'only').value!;
    const r = selectOneSignature(model, undefined);
    expect(r.value).toBeUndefined();
    golden('several-signatures', r.diagnostics);
    expect(selectOneSignature(model, 'lite').value?.name).toBe('lite');
    expect(selectOneSignature(model, 'score').diagnostics.map((d) => d.code)).toEqual(['BIRD3025']);
    const only = select('no-such-signature', undefined, 'only').value!;
    expect(selectOneSignature(only, undefined).value?.name).toBe('serve');
    const none = select('no-signature', undefined, 'only').value!;
    expect(selectOneSignature(none, undefined).diagnostics.map((d) => d.code)).toEqual(['BIRD2024']);
  });
});
