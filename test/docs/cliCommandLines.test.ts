/**
 * The `bird` commands the docs show but the console tests do not run (```sh blocks, and
 * ```console blocks marked `<!-- no-run: REASON -->`) must be valid command lines: each
 * parses with the CLI's own yargs definition (`runCli` with `parseOnly`), so a renamed
 * flag or command cannot linger in them. `npx bird ...` counts as `bird ...`.
 */
import { describe, expect, test } from '@jest/globals';
import { parse, type ParseEntry } from 'shell-quote';
import { runCli } from '../../src/cli/runCli.js';
import { pageSteps } from './consoleBlocks.js';
import { docItems, docPages } from './docBlocks.js';

const redirects = new Set(['<', '>', '>>', '>&', '<&', '<<<']);

/** The argument lists of every `bird` (or `npx bird`) invocation in a shell command line. */
export function birdInvocations(commandLine: string): string[][] {
  // Variables stay as written: `$REPO/models` is an argument like any other.
  const tokens: ParseEntry[] = parse(commandLine, (name) => `$${name}`);
  const segments: string[][] = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (typeof token === 'string') segments[segments.length - 1]!.push(token);
    else if ('op' in token && token.op === 'glob') segments[segments.length - 1]!.push(token.pattern);
    else if ('comment' in token) break;
    else {
      if ('op' in token && redirects.has(token.op)) {
        const current = segments[segments.length - 1]!;
        if (/^\d$/.test(current.at(-1) ?? '')) current.pop(); // the `2` of `2>`
        i++; // the file name
        continue;
      }
      segments.push([]);
    }
  }
  return segments.flatMap((words) => {
    const at = words[0] === 'npx' ? 1 : 0;
    return words[at] === 'bird' ? [words.slice(at + 1)] : [];
  });
}

interface Shown {
  readonly where: string;
  readonly line: string;
}

function unrunCommandLines(): Shown[] {
  const shown: Shown[] = [];
  for (const page of docPages()) {
    for (const item of docItems(page)) {
      if (item.kind !== 'fence' || !['sh', 'shell', 'bash'].includes(item.lang)) continue;
      item.text.split('\n').forEach((line, i) => line.trim() !== '' && shown.push({ where: `${page}:${item.line + 1 + i}`, line }));
    }
    for (const step of pageSteps(page)) {
      if (step.kind === 'block' && step.noRun !== undefined)
        for (const c of step.commands) shown.push({ where: `${page}:${c.line}`, line: c.text });
    }
  }
  return shown;
}

describe('birdInvocations', () => {
  test('finds bird in pipelines, lists and npx, without redirections or comments', () => {
    expect(birdInvocations('npm install && npx bird train models/flights.bird   # install, build')).toEqual([
      ['train', 'models/flights.bird'],
    ]);
    expect(birdInvocations('gzip -dc x.gz | bird check - 2>/dev/null > out.txt; bird fmt models/*.bird')).toEqual([
      ['check', '-'],
      ['fmt', 'models/*.bird'],
    ]);
    expect(birdInvocations(`bird check --json 'a b.bird' "$REPO/models/flights.bird"`)).toEqual([
      ['check', '--json', 'a b.bird', '$REPO/models/flights.bird'],
    ]);
    expect(birdInvocations('npm run bench -- flights')).toEqual([]);
  });
});

describe('bird commands shown but not run', () => {
  const shown = unrunCommandLines().flatMap((s) => birdInvocations(s.line).map((argv) => ({ ...s, argv })));

  test('there are some, and parsing alone still finds a usage error', async () => {
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(
      await runCli(['compile', 'x.bird', '--emit', 'bogus'], { stdout: () => undefined, stderr: () => undefined }, { parseOnly: true }),
    ).toBe(2);
  });

  test.each(shown.map((s) => [`${s.where}: bird ${s.argv.join(' ')}`, s] as const))('%s parses', async (_title, s) => {
    let stderr = '';
    const code = await runCli(s.argv, { stdout: () => undefined, stderr: (t) => void (stderr += t) }, { parseOnly: true });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
