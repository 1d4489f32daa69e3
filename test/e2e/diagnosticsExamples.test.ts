// The console blocks of docs/diagnostics.md, run as written: one example per diagnostic code,
// many of which train, export or serve a model (140 s in all), so they run with test/e2e
// (`npm run test:e2e`, which .ci/run runs after `npm test`) to keep `npm test` within its budget.
import { describeConsolePage } from '../docs/describeConsolePage.js';

describeConsolePage('docs/diagnostics.md');
