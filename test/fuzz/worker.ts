/**
 * A fuzz worker thread: checks the inputs the main thread posts, one at a time, and posts
 * each verdict back. It runs under the main thread's time limit and `resourceLimits`, so a
 * hang or an out-of-memory ends this thread, not the run.
 */
import { parentPort } from 'node:worker_threads';
import { checkInput } from './checkInput.js';

export interface InputMessage {
  readonly index: number;
  readonly path: string;
  readonly text: string;
}

const port = parentPort;
if (!port) throw new Error('test/fuzz/worker.ts runs as a worker thread');
// Warm up (module loading, the standard library's first parse, JIT) before the clock runs.
checkInput(
  'warm-up.bird',
  'bird 1\n\nimport std.nn { dense }\n\nfeatures F {\n  x : continuous\n}\n\nmodel M(f: F) {\n  out p = sigmoid(dense(f.x, 1))\n}\n',
);
port.on('message', (m: InputMessage) => {
  const verdict = checkInput(m.path, m.text);
  port.postMessage({ index: m.index, verdict, heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });
});
port.postMessage({ ready: true });
