import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkBuilt, DocShell, matchOutput, pageSteps, type Step } from './consoleBlocks.js';

/** Runs a step that prepares the next block: a file, a setup command, a change of folder. */
function prepare(shell: DocShell, page: string, step: Exclude<Step, { kind: 'block' }>): void {
  if (step.kind === 'file') shell.writeFile(step.path, step.text);
  else if (step.kind === 'cwd') shell.changeDir(step.value);
  else {
    const { output, status } = shell.run(step.command);
    if (status !== 0) throw new Error(`${page}:${step.line}: setup exited ${status}:\n${output}`);
  }
}

/**
 * One jest test per ```console block of the page, run in page order in one DocShell
 * (see consoleBlocks.ts for the annotations). A block's test first runs the steps that
 * come before it; a failing block makes the later ones of the page fail or mislead, so
 * read the first failure.
 */
export function describeConsolePage(page: string): void {
  const steps = pageSteps(page);
  const blocks = steps.flatMap((s, i) => (s.kind === 'block' && s.noRun === undefined ? [i] : []));
  if (blocks.length === 0) return;
  describe(page, () => {
    let shell: DocShell;
    beforeAll(() => {
      checkBuilt();
      shell = new DocShell(page);
    });
    afterAll(async () => {
      await shell?.stopBackground();
      shell?.dispose();
    });
    let done = 0;
    for (const index of blocks) {
      const block = steps[index] as Extract<Step, { kind: 'block' }>;
      const from = done;
      done = index + 1;
      test(`${page}:${block.line} $ ${block.commands[0]?.text ?? ''}`, async () => {
        for (const step of steps.slice(from, index)) if (step.kind !== 'block') prepare(shell, page, step);
        if (block.background !== undefined) {
          const command = block.commands[0]!;
          shell.bind(await shell.start(command.text, command.output.join('\n') + '\n', block.masks));
          return;
        }
        for (const command of block.commands) {
          const { output } = shell.run(command.text);
          const expected = command.output.length === 0 ? '' : command.output.join('\n') + '\n';
          const match = matchOutput(expected, output, block.masks);
          // On a difference, jest shows both texts (masked parts as «masked») with the command.
          if (match.pairs === undefined)
            expect({ line: command.line, command: command.text, output: match.actual }).toEqual({
              line: command.line,
              command: command.text,
              output: match.expected,
            });
          shell.bind(match.pairs ?? []);
        }
      }, 600_000);
    }
  });
}
