import { semanticCases } from '../helpers/semanticCases.js';

semanticCases('imports');
