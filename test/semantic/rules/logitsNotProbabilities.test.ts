import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/logits-not-probabilities');
