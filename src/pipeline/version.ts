import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../source/packageRoot.js';

/** Bird's version, read from package.json so it has one source of truth. */
export const birdVersion: string = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
