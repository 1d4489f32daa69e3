// The console blocks of every other page of docs/ (README.md, docs/serving.md and docs/cli.md have test files of their own).
import { describeConsolePage } from './describeConsolePage.js';
import { docPages } from './docBlocks.js';

for (const page of docPages().filter((p) => !['README.md', 'docs/cli.md', 'docs/serving.md'].includes(p))) describeConsolePage(page);
