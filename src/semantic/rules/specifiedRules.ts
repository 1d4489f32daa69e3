import { duplicateArguments } from './duplicateArguments.js';
import { labelLossCompatibility } from './labelLossCompatibility.js';
import { missingValues } from './missingValues.js';
import { logitsNotProbabilities } from './logitsNotProbabilities.js';
import { modelOutputs } from './modelOutputs.js';
import type { Rule } from './rule.js';
import { signatureInputsCoverOutputs } from './signatureInputsCoverOutputs.js';
import { signatureReferences } from './signatureReferences.js';
import { sharedVocabularies } from './sharedVocabularies.js';
import { signatureVersions } from './signatureVersions.js';
import { trainAndSignatureTargets } from './trainAndSignatureTargets.js';
import { textOptions } from './textOptions.js';
import { textTokenized } from './textTokenized.js';
import { trainSettingValues } from './trainSettingValues.js';
import { unusedFeatures } from './unusedFeatures.js';

/** The declaration checks, in the order they run. */
export const specifiedRules: readonly Rule[] = [
  duplicateArguments,
  trainAndSignatureTargets,
  signatureVersions,
  modelOutputs,
  signatureReferences,
  signatureInputsCoverOutputs,
  labelLossCompatibility,
  logitsNotProbabilities,
  trainSettingValues,
  textTokenized,
  textOptions,
  sharedVocabularies,
  missingValues,
  unusedFeatures,
];
