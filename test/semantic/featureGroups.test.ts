import { semanticCases } from '../helpers/semanticCases.js';

semanticCases('feature-groups');
