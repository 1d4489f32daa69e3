// The console blocks of every other page of docs/ (README.md and docs/cli.md have test files of their own).
import { describeConsolePage } from './describeConsolePage.js';
import { docPages } from './docBlocks.js';

for (const page of docPages().filter((p) => p !== 'README.md' && p !== 'docs/cli.md')) describeConsolePage(page);
