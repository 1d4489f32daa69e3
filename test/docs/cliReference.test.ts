/**
 * docs/cli.md against the CLI's own definition: every command `bird --help` lists has a
 * `## \`bird NAME\`` section; every flag a command declares (as its `--help` lists it) is
 * documented in that section's prose or option table (a table row or inline code
 * starting with the flag, outside code blocks, since a pasted `--help` would document
 * everything); every flag the section's option table or synopsis names exists; and the
 * exit-code table lists exactly the codes of src/cli/exitCodes.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { ExitCode } from '../../src/cli/exitCodes.js';
import { runCli } from '../../src/cli/runCli.js';
import { repoRoot } from './docBlocks.js';

async function help(...argv: string[]): Promise<string> {
  let stdout = '';
  const code = await runCli([...argv, '--help'], { stdout: (t) => void (stdout += t), stderr: () => undefined });
  expect(code).toBe(0);
  return stdout;
}

/** The flags in the `Options:` part of a `--help` text. */
function declaredFlags(helpText: string): string[] {
  const options = helpText.split(/^Options:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...options.matchAll(/^\s+(?:-\w, )?--([a-z][\w-]*)/gm)].map((m) => m[1]!).sort();
}

const page = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');

/** The text of the `## ` section whose heading matches, up to the next `## `. */
function section(heading: RegExp): string | undefined {
  const parts = page.split(/^(?=## )/m);
  return parts.find((p) => heading.test(p.split('\n')[0]!));
}

const withoutFences = (text: string): string => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
const codeBlocks = (text: string): string[] => [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

/** Flags written as inline code in prose or tables: `--epochs N`, `--no-color`. */
function documentedFlags(text: string): Set<string> {
  return new Set([...withoutFences(text).matchAll(/`--([a-z][\w-]*)/g)].map((m) => m[1]!.replace(/^no-/, '')));
}

/** Flags in the first cell of the section's option table rows. */
function tableFlags(text: string): string[] {
  return [...withoutFences(text).matchAll(/^\| `--([a-z][\w-]*)/gm)].map((m) => m[1]!);
}

/** Flags in the section's synopsis, the first ```text block (`bird train <file> [--model M] ...`). */
function synopsisFlags(text: string): string[] {
  const synopsis = codeBlocks(text)[0] ?? '';
  return synopsis.trimStart().startsWith('bird ') ? [...synopsis.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]!) : [];
}

const globalFlags = ['color', 'help', 'json', 'version'];

test('bird --help lists the commands, and the global flags are documented under "Options for every command"', async () => {
  const text = await help();
  expect(declaredFlags(text)).toEqual(globalFlags);
  const everyCommand = section(/^## Options for every command/);
  expect(everyCommand).toBeDefined();
  expect([...documentedFlags(everyCommand!)].sort()).toEqual(expect.arrayContaining(globalFlags));
});

test('every command has a section documenting every flag it declares, and no other', async () => {
  const text = await help();
  const commands = [...(text.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '').matchAll(/^\s+bird (\w+)/gm)].map((m) => m[1]!);
  expect(commands.length).toBeGreaterThanOrEqual(8);
  const problems: string[] = [];
  for (const command of commands) {
    const text = section(new RegExp(`^## \`bird ${command}\``));
    if (text === undefined) {
      problems.push(`${command}: no "## \`bird ${command}\`" section in docs/cli.md`);
      continue;
    }
    const declared = declaredFlags(await help(command)).filter((f) => !globalFlags.includes(f) || f === 'json');
    const documented = documentedFlags(text);
    for (const flag of declared)
      if (flag !== 'json' && !documented.has(flag)) problems.push(`${command}: --${flag} is declared but not documented in its section`);
    for (const flag of [...tableFlags(text), ...synopsisFlags(text)])
      if (!declared.includes(flag) && !globalFlags.includes(flag))
        problems.push(`${command}: --${flag} is documented but \`bird ${command}\` does not declare it`);
  }
  expect(problems).toEqual([]);
});

test('the exit-code table lists exactly the exit codes', () => {
  const text = section(/^## Exit codes/);
  expect(text).toBeDefined();
  const documented = [...withoutFences(text!).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  expect(documented).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
});
