import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/model-outputs');
