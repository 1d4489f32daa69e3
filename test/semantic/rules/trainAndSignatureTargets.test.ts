import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/train-and-signature-targets');
