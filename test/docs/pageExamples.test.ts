// The console blocks of every other page of docs/ (README.md, docs/serving.md and docs/cli.md have test files of their own;
// docs/diagnostics.md's, which train and export models for 140 s, run in test/e2e/diagnosticsExamples.test.ts).
import { describeConsolePage } from './describeConsolePage.js';
import { docPages } from './docBlocks.js';

for (const page of docPages().filter((p) => !['README.md', 'docs/cli.md', 'docs/serving.md', 'docs/diagnostics.md'].includes(p)))
  describeConsolePage(page);
