import { diagnostic, note, secondaryLabel, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckedModel, SignatureSpec } from '../semantic/checkedModel.js';
import type { SourceFile } from '../source/sourceFile.js';
import type { Result } from './result.js';

/** How a command picks the model of a file when no name is given. */
export type ModelChoice =
  /** The only model; several are refused (`bird graph`, `bird compile --out`). */
  | 'only'
  /** The first with a `train` section, else the first (`bird train`). */
  | 'trainable';

const names = (items: readonly { readonly name: string }[]): string => items.map((m) => `\`${m.name}\``).join(', ');

/** Who asked for the model by name, when it was not the command line: a run folder that trained it. */
export interface TrainedBy {
  readonly run: string;
}

/**
 * The model of a checked file a command works on: the one named, or the one `choice`
 * picks. Each refusal is a diagnostic in the file: BIRD2020 (no model, at the file's
 * start), BIRD2021 (no model of that name, at the first model; with `by`, a note names
 * the run that trained it), BIRD2022 (several, at the second, the first as a secondary
 * label).
 */
export function selectModel(
  source: SourceFile,
  models: readonly CheckedModel[],
  name: string | undefined,
  choice: ModelChoice,
  by?: TrainedBy,
): Result<CheckedModel> {
  const fail = (d: Diagnostic): Result<CheckedModel> => ({ value: undefined, diagnostics: [d] });
  const first = models[0];
  if (!first) return fail(diagnostic('noModel', { file: source.path }, source, { start: 0, end: 0 }));
  const at = (m: CheckedModel) => m.decl.name.span;
  if (name !== undefined) {
    const model = models.find((m) => m.name === name);
    if (model) return { value: model, diagnostics: [] };
    const notes = by ? [note('runTrainedModel', { run: by.run, model: name })] : [];
    return fail(
      diagnostic('noSuchModel', { name, file: source.path, models: names(models) }, first.module.source, at(first), {
        label: models.length === 1 ? 'the model it declares' : 'the first of the models it declares',
        notes,
      }),
    );
  }
  if (choice === 'trainable') return { value: models.find((m) => m.train !== null) ?? first, diagnostics: [] };
  const second = models[1];
  if (second) {
    return fail(
      diagnostic('severalModels', { file: source.path, models: names(models) }, second.module.source, at(second), {
        label: 'a second model',
        secondary: [secondaryLabel('theFirstModel', {}, first.module.source, at(first))],
      }),
    );
  }
  return { value: first, diagnostics: [] };
}

/** BIRD2023 at the model's name when it has no train section; `task` says what needed one. */
export function requireTrainSection(model: CheckedModel, task: string): Diagnostic | undefined {
  return model.train?.loss
    ? undefined
    : diagnostic('noTrainSection', { model: model.name, task }, model.module.source, model.decl.name.span, { label: 'this model' });
}

/** BIRD2024 at the model's name when it declares no signature; `task` says what needed one. */
export function requireSignature(model: CheckedModel, task: string): Diagnostic | undefined {
  return model.signatures.length > 0
    ? undefined
    : diagnostic('noSignature', { model: model.name, task }, model.module.source, model.decl.name.span, { label: 'this model' });
}

/**
 * The signature `name` names, all of them when `name` is undefined; BIRD3025 at the
 * model's name when it declares none of that name.
 */
export function selectSignatures(model: CheckedModel, name: string | undefined): Result<readonly SignatureSpec[]> {
  if (name === undefined) return { value: model.signatures, diagnostics: [] };
  const found = model.signatures.filter((s) => s.name === name);
  if (found.length > 0) return { value: found, diagnostics: [] };
  return {
    value: undefined,
    diagnostics: [
      diagnostic(
        'noSuchSignature',
        { model: model.name, name, signatures: names(model.signatures) || 'none' },
        model.module.source,
        model.decl.name.span,
        { label: 'this model' },
      ),
    ],
  };
}

/**
 * The one signature an output of one model is written for (`bird compile --emit onnx
 * --out`): the one `name` names, or the model's only one; BIRD3026 at the model's name
 * when it has several and none is named, BIRD3025 when it has none of that name.
 */
export function selectOneSignature(model: CheckedModel, name: string | undefined): Result<SignatureSpec> {
  const found = selectSignatures(model, name);
  if (!found.value) return { value: undefined, diagnostics: found.diagnostics };
  if (found.value.length === 0) return { value: undefined, diagnostics: [requireSignature(model, 'write as ONNX')!] };
  if (found.value.length === 1) return { value: found.value[0], diagnostics: [] };
  return {
    value: undefined,
    diagnostics: [
      diagnostic(
        'severalSignatures',
        { model: model.name, count: String(found.value.length), signatures: names(found.value) },
        model.module.source,
        model.decl.name.span,
        { label: 'this model' },
      ),
    ],
  };
}
