import type { CatalogEntry } from './catalogEntry.js';

/** The catalog's 8xxx: serving (`bird serve`, 8100-8149). */
export const servingCodes = {
  nothingToServe: {
    code: 'BIRD8100',
    severity: 'error',
    message: 'no model under {root} could be loaded, so there is nothing to serve',
    help: 'serve the folder `bird export` writes (`artifacts/`, holding `<model>/<version>/`); the diagnostics above say why each version found was refused',
  },
  cannotListen: {
    code: 'BIRD8101',
    severity: 'error',
    message: 'cannot listen on {address}: {reason}',
    help: 'choose another `--port` or `--grpc-port` (0 picks a free one), or stop the process using it',
  },
} as const satisfies Record<string, CatalogEntry>;
