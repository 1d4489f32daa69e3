import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/duplicate-arguments');
