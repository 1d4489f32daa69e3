import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/unused-features');
