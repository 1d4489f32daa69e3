// The README's console blocks, the five-minute tour among them, run as written (see consoleBlocks.ts).
// docs/serving.md runs here too, after it: both pages start `bird serve` on its default ports
// (8501, 8500), and the pages of one test file run one after the other, never at once.
import { describeConsolePage } from './describeConsolePage.js';

describeConsolePage('README.md');
describeConsolePage('docs/serving.md');
