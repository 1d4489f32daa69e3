/**
 * `--json` prints exactly one JSON document on stdout even when a command fails with an
 * internal error (BIRD9001) after printing part of its output: every command's action is
 * replaced by one that writes half a document and throws.
 */
import { expect, jest, test } from '@jest/globals';

const actions = {
  check: 'check',
  fmt: 'fmt',
  compile: 'compile',
  fit: 'fit',
  train: 'train',
  report: 'report',
  predict: 'predict',
  export: 'exportArtifact',
  verify: 'verify',
  diff: 'diff',
  graph: 'graph',
} as const;
for (const [file, name] of Object.entries(actions)) {
  jest.unstable_mockModule(`../../src/cli/actions/${file}.js`, () => ({
    [name]: (_args: unknown, io: { stdout: (t: string) => void }) => {
      io.stdout('{"half": ');
      throw new Error(`${file} broke`);
    },
  }));
}
const { runCli } = await import('../../src/cli/runCli.js');

const lines: Record<keyof typeof actions, string[]> = {
  check: ['check', 'm.bird'],
  fmt: ['fmt', 'm.bird'],
  compile: ['compile', '--emit', 'ir', 'm.bird'],
  fit: ['fit', 'm.bird', '--data', 'd.csv', '--out', 'f.json'],
  train: ['train', 'm.bird'],
  report: ['report', 'run'],
  predict: ['predict', 'm.bird', '--checkpoint', 'run', '--data', 'd.csv', '--out', 'p.csv'],
  export: ['export', 'm.bird', '--checkpoint', 'run'],
  verify: ['verify', 'artifact'],
  diff: ['diff', 'a', 'b'],
  graph: ['graph', 'm.bird'],
};

test.each(Object.entries(lines))('%s --json: an internal error is the one JSON document on stdout, exit 3', async (command, argv) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--json'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  expect(code).toBe(3);
  expect(stderr).toBe('');
  const doc = JSON.parse(stdout) as { diagnostics: { code: string; message: string }[] };
  expect(doc.diagnostics.map((d) => [d.code, d.message])).toEqual([['BIRD9001', `internal compiler error: ${command} broke`]]);
});

test('without --json the internal error is a code frame on stderr, and what the command printed stays', async () => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['check', 'm.bird'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  expect([code, stdout]).toEqual([3, '{"half": ']);
  expect(stderr).toContain('error[BIRD9001]: internal compiler error: check broke');
});
