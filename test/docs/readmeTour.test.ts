// The README's console blocks, the five-minute tour among them, run as written (see consoleBlocks.ts).
import { describeConsolePage } from './describeConsolePage.js';

describeConsolePage('README.md');
