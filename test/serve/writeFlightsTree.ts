/**
 * Writes flights artifacts from the command line, for the pages that need a served model
 * (docs/serving.md's setup): `node --import ./bench/register.mjs test/serve/writeFlightsTree.ts
 * ARTIFACTS 1.0.0:7 1.1.0:8` writes `ARTIFACTS/DelayMlp/1.0.0/` with weights drawn from seed 7,
 * and so on (see flightsTree.ts). A few seconds, where training and exporting twice would take
 * a minute of the docs tests.
 */
import { resolve } from 'node:path';
import { writeFlightsVersion } from './flightsTree.js';

const [root, ...versions] = process.argv.slice(2);
if (root === undefined || versions.length === 0) throw new Error('usage: writeFlightsTree.ts ARTIFACTS VERSION:SEED...');
for (const v of versions) {
  const [version, seed] = v.split(':');
  await writeFlightsVersion(resolve(root), version!, Number(seed));
}
