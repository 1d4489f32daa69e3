/**
 * `bird check`, `fmt`, `compile --emit ir` and `--help` must not load TF.js, ONNX Runtime
 * or Graphviz (they take seconds to load): each command module imports what it runs inside
 * its handler. The commands run in a child process whose imports of those packages fail
 * (test/helpers/forbidHeavyModules.mjs); `verify`, which needs ONNX Runtime, shows that the
 * guard does trip.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { repoRoot } from '../docs/docBlocks.js';

const script = `
import { runCli } from ${JSON.stringify(join(repoRoot, 'src', 'cli', 'runCli.ts'))};
const lines = [['check', 'models/flights.bird'], ['fmt', '--check', 'models/flights.bird'], ['compile', '--emit', 'ir', 'models/flights.bird'], ['--help'], ['train', '--help'], ['verify', 'no-such-artifact']];
const codes = [];
let stderr = '';
for (const argv of lines) codes.push(await runCli(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t) }));
process.stdout.write(JSON.stringify({ codes, stderr }));
`;

test('check, fmt, compile and --help load neither TF.js nor ONNX Runtime nor Graphviz', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', './bench/register.mjs', '--import', './test/helpers/forbidHeavyModules.mjs', '--input-type=module', '-e', script],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  const { codes, stderr } = JSON.parse(r.stdout) as { codes: number[]; stderr: string };
  expect(codes).toEqual([0, 0, 0, 0, 0, 3]);
  expect(stderr).toMatch(/heavy module loaded: (onnxruntime-node|@tensorflow\/tfjs)/);
  expect(stderr.match(/heavy module loaded/g)).toHaveLength(1);
}, 60_000);
