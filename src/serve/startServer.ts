import * as grpc from '@grpc/grpc-js';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { loadPredictionService, predictionServiceImplementation } from './grpcServer.js';
import { registerKserveRest } from './kserveRest.js';
import { ServeMetrics } from './metrics.js';
import { ModelRepository, type RepositoryOptions } from './modelRepository.js';
import { Predictor } from './predictor.js';
import { ServeError } from './serveError.js';
import { registerTfServingRest } from './tfServingRest.js';

export interface ServeOptions extends RepositoryOptions {
  /** The `artifacts/` folder: `<model>/<version>/` under it. */
  readonly root: string;
  readonly host: string;
  /** The REST port; 0 for any free one. */
  readonly port: number;
  /** The gRPC port (0 for any free one); no gRPC server when undefined. */
  readonly grpcPort?: number;
  /** The largest request body (REST) or message (gRPC), in bytes. */
  readonly bodyLimit: number;
  /** The longest a request may take to arrive and to run, in milliseconds. */
  readonly timeoutMs: number;
  /** How often the tree is rescanned besides file-system events, in milliseconds; no watching when undefined. */
  readonly pollMs?: number;
  /** Bird's version, for KServe's server metadata. */
  readonly serverVersion: string;
  /** Receives one structured access-log entry per request (REST and gRPC). */
  readonly accessLog?: (entry: Readonly<Record<string, unknown>>) => void;
}

export interface RunningServer {
  readonly repository: ModelRepository;
  readonly metrics: ServeMetrics;
  /** `http://host:port` of the REST server. */
  readonly url: string;
  readonly port: number;
  readonly grpcPort: number | undefined;
  /** Stops taking requests, finishes those in flight, then unloads every version. */
  close(): Promise<void>;
}

const protocolOf = (url: string): string => (url.startsWith('/v1/') ? 'tfserving_rest' : url.startsWith('/v2') ? 'kserve_rest' : 'http');

/**
 * Loads the tree and starts the REST server (TF Serving REST, KServe v2, health, metrics)
 * and the gRPC server (TF Serving's PredictionService). Every request is counted in the
 * metrics and written to the access log; a client's mistake is a 4xx in the protocol's
 * error form, never a 500.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  // Requests being answered, so that closing waits for them before any connection is closed.
  const inflight = new Set<object>();
  const metrics = new ServeMetrics(
    () => repository,
    () => inflight.size,
  );
  const repository = new ModelRepository(options.root, {
    ...options,
    onRun: (model, signature, rows) => {
      metrics.ran(model, signature, rows);
      options.onRun?.(model, signature, rows);
    },
  });
  await repository.scan();
  if (options.pollMs !== undefined) repository.watch(options.pollMs);
  const predictor = new Predictor(repository, options.timeoutMs);
  let closing = false;
  const isReady = (): boolean => !closing && repository.modelNames().length > 0;

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    requestTimeout: options.timeoutMs,
    return503OnClosing: true,
    // A URL the router cannot decode: a 400 in the same error form as the others.
    frameworkErrors: (error, _request, reply) =>
      void (reply as FastifyReply).code(400).send({ error: `the request's URL is not valid: ${error.message}` }),
  });
  const models = new WeakMap<object, string>();
  const noteModel = (request: object, model: string): void => void models.set(request, model);

  // Every body is read as JSON whatever its content type: TF Serving accepts `curl -d` (form-encoded by default).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (!/\S/.test(text)) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ServeError('invalid', `the body is not JSON: ${(error as Error).message}`, 'body'), undefined);
    }
  });
  app.setErrorHandler((error: FastifyError | ServeError, request, reply) => {
    if (error instanceof ServeError) return reply.code(error.status).send({ error: error.message });
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({ error: `the body is over the limit of ${options.bodyLimit} bytes` });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: error.message });
    options.accessLog?.({ time: new Date().toISOString(), level: 'error', method: request.method, url: request.url, error: error.message });
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?')[0]}: see docs/serving.md for the endpoints` }),
  );
  // Callback hooks, not async ones: an async hook costs a promise per request on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    inflight.add(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    inflight.delete(request);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    inflight.delete(request);
    const protocol = protocolOf(request.url);
    const model = models.get(request) ?? '';
    metrics.answered(protocol, model, String(reply.statusCode), reply.elapsedTime / 1000);
    done();
    options.accessLog?.({
      time: new Date().toISOString(),
      protocol,
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Number(reply.elapsedTime.toFixed(3)),
      model,
      remote: request.ip,
    });
  });

  app.get('/healthz', async () => ({ live: true }));
  app.get('/readyz', async (_request, reply) => {
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ ready, models: repository.modelNames() });
  });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  registerTfServingRest(app, repository, predictor, noteModel);
  registerKserveRest(app, repository, predictor, options.serverVersion, isReady, noteModel);

  let grpcServer: grpc.Server | undefined;
  let grpcPort: number | undefined;
  try {
    await app.listen({ host: options.host, port: options.port });
    if (options.grpcPort !== undefined) {
      grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': options.bodyLimit });
      grpcServer.addService(
        loadPredictionService().service,
        predictionServiceImplementation(repository, predictor, (method, model, error, ms) => {
          const code = error ? grpc.status[error.grpcCode]! : 'OK';
          metrics.answered('tfserving_grpc', model, code, ms / 1000);
          options.accessLog?.({
            time: new Date().toISOString(),
            protocol: 'tfserving_grpc',
            method,
            status: code,
            ms: Number(ms.toFixed(3)),
            model,
          });
        }),
      );
      const server = grpcServer;
      grpcPort = await new Promise<number>((resolve, reject) =>
        server.bindAsync(
          `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.grpcPort}`,
          grpc.ServerCredentials.createInsecure(),
          (error, port) => (error ? reject(error) : resolve(port)),
        ),
      );
    }
  } catch (error) {
    await app.close();
    grpcServer?.forceShutdown();
    await repository.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    repository,
    metrics,
    url: `http://${host}:${port}`,
    port,
    grpcPort,
    async close() {
      closing = true;
      // Readiness turns 503 at once; the requests already here finish before the sockets close.
      const deadline = performance.now() + options.timeoutMs;
      while (inflight.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const server = grpcServer;
      await Promise.all([app.close(), server ? new Promise<void>((resolve) => server.tryShutdown(() => resolve())) : Promise.resolve()]);
      await repository.close();
    },
  };
}
