import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/shared-vocabularies');
