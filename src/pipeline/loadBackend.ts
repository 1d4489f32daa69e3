import { BackendUnavailable, loadTf, type BackendName, type Tf } from '../backends/tfjs/loadTf.js';
import { UsageError } from './usageError.js';

/**
 * TF.js on the backend the caller named (or the first that starts): a backend that cannot
 * start here is the caller's choice gone wrong, so a `UsageError`, not a diagnostic.
 */
export async function loadBackend(backend: BackendName | undefined): Promise<Tf> {
  try {
    return (await loadTf(backend)).tf;
  } catch (error) {
    throw error instanceof BackendUnavailable ? new UsageError(error.message) : error;
  }
}
