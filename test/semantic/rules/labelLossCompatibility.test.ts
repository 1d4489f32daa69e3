import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/label-loss-compatibility');
