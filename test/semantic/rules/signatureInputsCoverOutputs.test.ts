import { semanticCases } from '../../helpers/semanticCases.js';

semanticCases('rules/signature-inputs-cover-outputs');
