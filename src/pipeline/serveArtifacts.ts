import { startServer, type RunningServer, type ServeOptions } from '../serve/startServer.js';

export { parsePolicy, type VersionPolicy } from '../serve/versionPolicy.js';
export type { RunningServer, ServeOptions };

/**
 * Serves the models of an `artifacts/` tree (REST, gRPC, KServe v2) until `close` is
 * called: the serving stage's `startServer`, the entry point `bird serve` and an embedding
 * program share. Versions that cannot be loaded are reported through `options`, not thrown.
 */
export function serveArtifacts(options: ServeOptions): Promise<RunningServer> {
  return startServer(options);
}
