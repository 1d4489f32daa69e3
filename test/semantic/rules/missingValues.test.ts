import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/missing-values');
