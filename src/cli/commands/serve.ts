import type { Argv } from 'yargs';
import { common, num, type BirdCommand } from '../command.js';

/** `bird serve ARTIFACTS`: every model of an artifacts folder over TF Serving REST and gRPC and KServe v2. */
export const serveCommand: BirdCommand = (cli) => ({
  command: 'serve <artifacts>',
  describe: 'Serve every model of an artifacts folder over TF Serving REST and gRPC and KServe v2',
  builder: (y: Argv) =>
    y
      .positional('artifacts', {
        type: 'string',
        demandOption: true,
        describe: 'The artifacts folder: ARTIFACTS/MODEL/VERSION/, as `bird export` writes it',
      })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 for every interface)' })
      .option('port', { type: 'number', default: 8501, describe: 'REST port (TF Serving REST and KServe v2; 0 picks a free one)' })
      .option('grpc-port', { type: 'number', default: 8500, describe: 'gRPC port (TF Serving PredictionService; 0 picks a free one)' })
      .option('grpc', { type: 'boolean', default: true, describe: 'Serve gRPC (--no-grpc: REST only)' })
      .option('versions', {
        type: 'string',
        array: true,
        default: [],
        describe: 'Version policy: `latest`, `latest:N`, `all` or `1.0.0,1.1.0`, for every model or as MODEL=POLICY (default latest:1)',
      })
      .option('label', {
        type: 'string',
        array: true,
        default: [],
        describe: 'A version label, MODEL:LABEL=VERSION (for example DelayMlp:stable=1.0.0); repeatable',
      })
      .option('batching', {
        type: 'boolean',
        default: true,
        describe: 'Merge concurrent requests for a signature into one ONNX Runtime run (--no-batching: one run a request)',
      })
      .option('max-batch', { type: 'number', describe: 'With --batching: the most rows in one run (default 256)' })
      .option('batch-delay-ms', {
        type: 'number',
        describe: 'With --batching: how long the first request waits for others (milliseconds, default 0: one turn of the event loop)',
      })
      .option('threads', { type: 'number', describe: "ONNX Runtime threads per model (default: ONNX Runtime's, every core)" })
      .option('session-worker', {
        type: 'boolean',
        describe:
          'Run each model in a worker thread, beside the HTTP and JSON work (default: on with 2 or more cores; --no-session-worker: in the event loop)',
      })
      .option('max-body-bytes', {
        type: 'number',
        default: 16 * 1024 * 1024,
        describe: 'Largest request body or gRPC message; a larger one is refused (413)',
      })
      .option('timeout-ms', { type: 'number', default: 10_000, describe: 'Longest a request may take to arrive, and to run' })
      .option('watch', {
        type: 'boolean',
        default: true,
        describe: 'Load new versions and unload removed ones as the folder changes (--no-watch: read it once)',
      })
      .option('poll-ms', { type: 'number', describe: 'With --watch: also rescan the folder this often (default 1000)' })
      .option('access-log', { type: 'boolean', default: true, describe: 'Write one JSON line per request on stdout' })
      .example('$0 serve artifacts', 'REST on 127.0.0.1:8501, gRPC on 127.0.0.1:8500')
      .example(
        '$0 serve artifacts --versions latest:2 --label DelayMlp:stable=1.0.0 --label DelayMlp:canary=1.1.0',
        'two versions, with labels',
      )
      .example('$0 serve artifacts --max-batch 64 --batch-delay-ms 1', 'batches of up to 64 rows, waiting up to 1 ms'),
  handler: (a) =>
    cli.later(
      async () =>
        (await import('../actions/serve.js')).serve(
          {
            artifacts: a['artifacts'] as string,
            host: a['host'] as string,
            port: a['port'] as number,
            ...(a['grpc'] === false ? {} : { grpcPort: a['grpc-port'] as number }),
            versions: (a['versions'] as unknown[]).map(String),
            labels: (a['label'] as unknown[]).map(String),
            batching: a['batching'] === true,
            ...num(a, 'max-batch', 'maxBatch'),
            ...num(a, 'batch-delay-ms', 'batchDelayMs'),
            ...num(a, 'threads', 'threads'),
            ...(typeof a['session-worker'] === 'boolean' ? { sessionWorker: a['session-worker'] } : {}),
            maxBodyBytes: a['max-body-bytes'] as number,
            timeoutMs: a['timeout-ms'] as number,
            watch: a['watch'] !== false,
            ...num(a, 'poll-ms', 'pollMs'),
            accessLog: a['access-log'] !== false,
            ...common(a),
          },
          cli.io,
        ),
      // Access-log lines go out as requests come, not when the server stops.
      { streams: true },
    ),
});
