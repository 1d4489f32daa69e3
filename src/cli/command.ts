import type { Argv, CommandModule } from 'yargs';
import { useColor, type Io } from './reporter.js';

export interface LaterOptions {
  /**
   * The command's stdout is a stream that must not wait for the end (`bird serve`'s access
   * log): under `--json` it is not held back, and the command is responsible for keeping
   * stdout JSON.
   */
  readonly streams?: boolean;
}

/** What a command module gets from `runCli` for one command line. */
export interface CliContext {
  readonly io: Io;
  /**
   * Records what the command does; `runCli` runs it once yargs has accepted the whole
   * command line, so nothing runs, or prints, on an invalid one. Handlers import the code
   * that loads TF.js or ONNX Runtime inside `action`, so `check`, `fmt` and `--help`
   * never load it.
   */
  later(action: () => number | Promise<number>, options?: LaterOptions): void;
}

/**
 * One `bird` command: a yargs command module (its positional arguments, flags, examples
 * and checks in `builder`; in `handler`, the lazy import and call of what it runs), made
 * for one command line. `runCli.ts` registers them; a new command is a new file under
 * `commands/` and one line in `commands/index.ts`.
 */
export type BirdCommand = (cli: CliContext) => CommandModule<object, Args>;

/** The parsed command line as handlers see it; each reads its own flags through the helpers below. */
export type Args = Record<string, unknown>;

/** The flags every command takes. */
export function common(a: Args): { json: boolean; color: boolean } {
  return { json: a['json'] === true, color: useColor(a['color'] as boolean | undefined) };
}

/** `{ [key]: value }` when the flag was given as a string, `{}` otherwise, for optional fields under exactOptionalPropertyTypes. */
export function str<K extends string>(a: Args, flag: string, key: K): { [P in K]?: string } {
  const v = a[flag];
  return (typeof v === 'string' ? { [key]: v } : {}) as { [P in K]?: string };
}

/** The same for a number flag; `checkWhole` has already refused a value that is not a number. */
export function num<K extends string>(a: Args, flag: string, key: K): { [P in K]?: number } {
  const v = a[flag];
  return (typeof v === 'number' ? { [key]: v } : {}) as { [P in K]?: number };
}

/**
 * A yargs check that each named number flag, when given, is a whole number of at least
 * `min` (`--epochs abc` parses as NaN, which would otherwise fall back to the default
 * silently).
 */
export function checkWhole(flags: readonly string[], min: number, what = `a whole number, ${min} or more`): (a: Args) => true | string {
  return (a) => {
    for (const flag of flags) {
      const v = a[flag];
      if (v === undefined) continue;
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) return `\`--${flag}\` must be ${what}`;
    }
    return true;
  };
}

/** The TF.js backends a `--backend` flag offers. */
export const backendChoices = ['tensorflow', 'wasm', 'cpu'] as const;

export type { Argv };
