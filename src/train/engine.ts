import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { CheckedModel } from '../semantic/checkedModel.js';
import { trainEngines, type TrainEngineName } from '../semantic/builtins.js';
import type * as A from '../syntax/ast.js';
import { torchMissing } from './torch/torchMissing.js';

export { trainEngines, type TrainEngineName };

/**
 * Which engine trains a run, and what chose it: `--engine`, the train section's `engine =
 * ...`, the engine a resumed run started on, or the default; `fallback`, why the default
 * is not `onnxruntime` for this model.
 */
export interface EngineChoice {
  readonly name: TrainEngineName;
  readonly from: 'flag' | 'setting' | 'resumed' | 'default';
  readonly fallback?: string;
}

/**
 * `--engine` wins over `engine = ...`; a resumed run goes on with the engine it started on
 * (so it ends where the unbroken run would); otherwise `onnxruntime`, the fastest engine on
 * every bench (docs/cli.md, "Training engines"), trains each model it can, and `tfjs`,
 * which trains every model, the others. `refusal` says why `onnxruntime` cannot train the
 * model (undefined when it can); it is asked only when the default decides.
 */
export function chooseEngine(
  flag: TrainEngineName | undefined,
  settings: Readonly<Record<string, AttrValue>>,
  resumed: TrainEngineName | undefined,
  refusal: () => string | undefined,
): EngineChoice {
  if (flag !== undefined) return { name: flag, from: 'flag' };
  const set = settings['engine'];
  if (typeof set === 'string' && (trainEngines as readonly string[]).includes(set))
    return { name: set as TrainEngineName, from: 'setting' };
  if (resumed !== undefined) return { name: resumed, from: 'resumed' };
  const why = refusal();
  return why === undefined ? { name: 'onnxruntime', from: 'default' } : { name: 'tfjs', from: 'default', fallback: why };
}

/**
 * How each engine is reached. An engine is available when `bird train` can run it here;
 * otherwise `reason` says why not, and the caller reports `BIRD7025` at the setting (or a
 * usage error for the flag). An engine plugs in by giving its entry here and its branch
 * in `pipeline/runTraining.ts` (see docs/architecture.md, "Training engines").
 */
export const engineStatus: Readonly<Record<TrainEngineName, { readonly available: boolean; readonly reason: string }>> = {
  tfjs: { available: true, reason: '' },
  onnxruntime: { available: true, reason: '' },
  // Whether PyTorch runs is asked of the Python once, when the engine is chosen.
  torch: {
    get available() {
      return torchProbe() === undefined;
    },
    get reason() {
      return torchProbe() ?? '';
    },
  },
};

/**
 * The Python that runs the PyTorch engine's ranks: `BIRD_PYTHON` when set; otherwise
 * `python3` on the PATH, or the system's `/usr/bin/python3` (where Debian's python3-torch
 * installs) when only that one has PyTorch.
 */
export function torchPython(): string {
  const set = process.env['BIRD_PYTHON'];
  if (set !== undefined && set !== '') return set;
  probed ??= ['python3', '/usr/bin/python3']
    .map((python) => ({ python, missing: torchMissing(python) }))
    .find((p) => p.missing === undefined) ?? { python: 'python3', missing: torchMissing('python3') };
  return probed.python;
}

let probed: { python: string; missing: string | undefined } | undefined;
function torchProbe(): string | undefined {
  const python = torchPython();
  if (probed?.python !== python) probed = { python, missing: torchMissing(python) };
  return probed.missing;
}

/** The `engine = ...` statement of a model's train section, if it has one. */
function engineStatement(model: CheckedModel): A.AssignStmt | undefined {
  const origin = model.train?.origin;
  if (!origin) return undefined;
  for (const item of model.module.ast.items) {
    if (item.kind !== 'TrainDecl' || item.span.start !== origin.span.start) continue;
    for (const s of item.body.statements) if (s.kind === 'AssignStmt' && s.target.name === 'engine') return s;
  }
  return undefined;
}

/**
 * `BIRD7025` for an engine chosen by the train section that cannot run here, or cannot
 * train this model (`refusal`, the engine's reason), at the setting's value; undefined
 * when the engine can, or the choice is not the section's (a flag is the command line's
 * business).
 */
export function engineUnavailable(model: CheckedModel, choice: EngineChoice, refusal?: string): Diagnostic | undefined {
  const status = engineStatus[choice.name];
  const reason = refusal ?? (status.available ? undefined : status.reason);
  if (reason === undefined || choice.from !== 'setting') return undefined;
  const stmt = engineStatement(model);
  if (!stmt) return undefined;
  return diagnostic('engineUnavailable', { engine: choice.name, reason }, model.module.source, stmt.value.span, {
    label: 'chosen here',
    help: 'train with `engine = "tfjs"`, or leave the setting out',
  });
}

/**
 * `BIRD7026` at the model's name for an engine that runs here but cannot train this model
 * (`reason`: a gradient the IR autodiff pass cannot build, an op without an ONNX or
 * PyTorch form), when `--engine` chose it; the train section's choice is `BIRD7025` at
 * the setting (`engineUnavailable`).
 */
export function engineCannotTrain(model: CheckedModel, engine: TrainEngineName, reason: string): Diagnostic {
  return diagnostic('engineCannotTrain', { engine, model: model.name, reason }, model.module.source, model.decl.name.span, {
    label: 'this model',
  });
}
