import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tf;

/** The asked-for backend cannot start here (a usage problem, not a bug). */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
}
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The preferred order: native TensorFlow where `@tensorflow/tfjs-node` installed, then wasm, then cpu. */
export const backendOrder: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Sets up TF.js on the best backend available, or on `wanted`. `@tensorflow/tfjs-node` is
 * an optional dependency: its install fails on machines without libtensorflow, so it is
 * imported only if present, and its absence is not an error.
 */
export async function loadTf(wanted?: BackendName): Promise<{ tf: Tf; backend: BackendName }> {
  // Production mode: no debug checks, and no console advice about installing tfjs-node.
  tf.enableProdMode();
  const order = wanted ? [wanted] : backendOrder;
  for (const name of order) {
    if (name === 'tensorflow') {
      try {
        await import('@tensorflow/tfjs-node' as string);
      } catch {
        continue;
      }
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { tf, backend: name };
      }
    } catch {
      // try the next backend
    }
  }
  throw new BackendUnavailable(
    wanted === 'tensorflow'
      ? 'the `tensorflow` backend needs the optional package `@tensorflow/tfjs-node`, which is not installed here; use `--backend wasm`'
      : `no TF.js backend could start (tried ${order.join(', ')})`,
  );
}
