import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/text-options');
