import { semanticCases } from '../helpers/semanticCases.js';

semanticCases('elaboration');
