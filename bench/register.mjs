// Lets `node --import ./bench/register.mjs bench/run.ts` run the TypeScript benches directly:
// tsx's ESM loader compiles .ts on the fly and maps `./x.js` imports to `./x.ts`.
import { register } from 'tsx/esm/api';

register();
