// docs/cli.md's console blocks, run as written (see consoleBlocks.ts).
import { describeConsolePage } from './describeConsolePage.js';

describeConsolePage('docs/cli.md');
