import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/train-setting-values');
