import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 2xxx: names, scopes and modules. */
export const namesCodes = {
  unknownName: {
    code: 'BIRD2001',
    severity: 'error',
    message: 'cannot find `{name}` in this scope',
  },
  duplicateDefinition: {
    code: 'BIRD2002',
    severity: 'error',
    message: '`{name}` is defined more than once',
    help: 'rename one of them',
  },
  unknownModule: {
    code: 'BIRD2003',
    severity: 'error',
    message: 'cannot find module {module}',
  },
  unknownImport: {
    code: 'BIRD2004',
    severity: 'error',
    message: 'module {module} has no `{name}`',
  },
  importCycle: {
    code: 'BIRD2005',
    severity: 'error',
    message: 'import cycle: {cycle}',
    help: 'move what both files need into a third file that imports neither',
  },
  importOutsideRoot: {
    code: 'BIRD2006',
    severity: 'error',
    message: 'import {path} leaves the project root',
    help: 'keep imported files inside {root}, or run bird from a folder that contains both',
  },
  unknownField: {
    code: 'BIRD2007',
    severity: 'error',
    message: '{set} has no field `{name}`',
  },
  unknownArgument: {
    code: 'BIRD2008',
    severity: 'error',
    message: '{callee} has no parameter `{name}`',
  },
  unknownFeatureKind: {
    code: 'BIRD2009',
    severity: 'error',
    message: 'unknown {what} `{name}`',
  },
  unknownModel: {
    code: 'BIRD2010',
    severity: 'error',
    message: 'cannot find model `{name}`',
  },
  unknownSignatureItem: {
    code: 'BIRD2011',
    severity: 'error',
    message: 'signature `{signature}` names unknown {direction} `{name}`',
  },
  unusedFeature: {
    code: 'BIRD2012',
    severity: 'warning',
    message: 'feature `{name}` is never used by model `{model}`',
    help: 'remove it from `features {set}`, or use it in the model',
  },
  unknownTrainSetting: {
    code: 'BIRD2013',
    severity: 'error',
    message: 'unknown train setting `{name}`',
  },
  duplicateArgument: {
    code: 'BIRD2014',
    severity: 'error',
    message: 'argument `{name}` is given more than once',
    help: 'remove one of them',
  },
  noLabels: {
    code: 'BIRD2015',
    severity: 'error',
    message: 'no `labels {set}` declaration for the labels used here',
    help: 'declare `labels {set} { ... }` next to `features {set}`',
  },
  // Refusals of the pipeline stage about the model of a file a command works on (`pipeline/selectModel.ts`).
  noModel: {
    code: 'BIRD2020',
    severity: 'error',
    message: '`{file}` declares no model',
    help: 'declare one: `model NAME(f: FEATURES) { ... }`',
  },
  noSuchModel: {
    code: 'BIRD2021',
    severity: 'error',
    message: 'no model `{name}` in `{file}`',
    help: 'the file declares {models}',
  },
  severalModels: {
    code: 'BIRD2022',
    severity: 'error',
    message: '`{file}` declares several models ({models})',
    help: 'choose one with `--model`',
  },
  noTrainSection: {
    code: 'BIRD2023',
    severity: 'error',
    message: 'model `{model}` has no `train {model} { ... }` section, so there is nothing to {task}',
    help: 'add `train {model} { data = csv(...) loss = ... }` to say how to train it',
  },
  noSignature: {
    code: 'BIRD2024',
    severity: 'error',
    message: 'model `{model}` declares no signature, so there is nothing to {task}',
    help: 'add `signature serve @ 1.0.0 for {model} { ... }` to say what to export',
  },
  badOverride: {
    code: 'BIRD2025',
    severity: 'error',
    message: '`--set {set}` is not `PATH=VALUE`',
  },
  unknownOverride: {
    code: 'BIRD2026',
    severity: 'error',
    message: '`--set` names `{path}`, which is not {what}',
  },
} as const satisfies Record<string, CatalogEntry>;
