import yargs from 'yargs';
import { renderDiagnostic } from '../diagnostics/renderDiagnostic.js';
import { diagnostic } from '../diagnostics/diagnostic.js';
import { diagnosticToJson } from '../diagnostics/diagnosticJson.js';
import { SourceFile } from '../source/sourceFile.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { CliContext } from './command.js';
import { commands } from './commands/index.js';
import { ExitCode } from './exitCodes.js';
import { processIo, type Io } from './reporter.js';
import { UsageError } from '../pipeline/usageError.js';
import { birdVersion } from '../pipeline/version.js';
import { stdinPath } from '../pipeline/readSources.js';

function internalError(error: unknown, io: Io, json: boolean): number {
  const detail = error instanceof Error ? error.message : String(error);
  const d = diagnostic('internalError', { detail }, new SourceFile('<bird>', ''), { start: 0, end: 0 });
  if (json) io.stdout(JSON.stringify({ diagnostics: [diagnosticToJson(d)] }, null, 2) + '\n');
  else io.stderr(renderDiagnostic(d));
  if (process.env['BIRD_DEBUG']) io.stderr(`${(error as Error).stack ?? ''}\n`);
  return ExitCode.internal;
}

function usageError(message: string, io: Io, json: boolean): number {
  if (json) io.stdout(JSON.stringify({ error: 'usage', message, diagnostics: [] }, null, 2) + '\n');
  else io.stderr(`error: ${message}\n\nrun \`bird --help\` for usage\n`);
  return ExitCode.usage;
}

/**
 * With `--json`, stdout holds exactly one JSON document whatever happens: what a command
 * prints is held back until it returns, and dropped for the error document when it fails
 * with a usage or internal error instead.
 */
class HeldStdout implements Io {
  private held: string[] = [];
  /** Set once the command line is parsed: only `--json` holds stdout back, so other output streams. */
  holding = false;
  constructor(private readonly io: Io) {}
  readonly stdout = (text: string): void => {
    if (this.holding) this.held.push(text);
    else this.io.stdout(text);
  };
  readonly stderr = (text: string): void => this.io.stderr(text);
  release(): void {
    for (const text of this.held) this.io.stdout(text);
    this.held = [];
  }
  drop(): void {
    this.held = [];
  }
}

export interface RunOptions {
  /** Stop after parsing: exit 0 for a valid command line, 2 with the usage error otherwise (the docs tests check command lines they cannot run). */
  readonly parseOnly?: boolean;
}

/**
 * Parses the command line and runs one command. Returns the exit code rather than exiting,
 * so tests can drive the CLI in-process. Usage errors exit 2 with yargs' message;
 * a thrown non-usage error is a bug and is reported as BIRD9001, never as a bare stack.
 * The commands are the modules of `commands/`; this file only registers them.
 */
export async function runCli(argv: readonly string[], io: Io = processIo, options: RunOptions = {}): Promise<number> {
  let usageFailure: string | undefined;
  // Handlers only record what to run: yargs may report a usage error after calling one,
  // and nothing should run, or print, on an invalid command line.
  let action: (() => number | Promise<number>) | undefined;
  let streams = false;
  // Until yargs has parsed the line, `--json` is read off it as written (a usage error is printed as JSON too).
  let json = argv.includes('--json') || argv.includes('--json=true');
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !commands.has(first)) {
    const hint = didYouMean(first, [...commands.keys()]);
    return usageError(`unknown command \`${first}\`${hint ? `; ${hint}` : ''}`, io, json);
  }
  const held = new HeldStdout(io);
  // yargs drops a lone `-`; it means standard input, so it travels under another name.
  const args = argv.map((a) => (a === '-' ? stdinPath : a));
  const parser = yargs()
    .scriptName('bird')
    .usage('$0 <command> [options]\n\nBird checks, formats, compiles, trains and exports `.bird` model descriptions.')
    .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON on stdout' })
    .option('color', { type: 'boolean', describe: 'Color the output (default: when stderr is a terminal and NO_COLOR is unset)' });
  const cli: CliContext = {
    io: held,
    later: (a, o) => {
      action = a;
      streams = o?.streams === true;
    },
  };
  for (const command of commands.values()) parser.command(command(cli));
  parser
    .demandCommand(1, `name a command: ${[...commands.keys()].slice(0, -1).join(', ')} or ${[...commands.keys()].at(-1)!}`)
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(birdVersion)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message: string | null, error: Error | null) => {
      // A `.check` of a command module that fails hands over its message as the error: a usage error too.
      if (error instanceof Error && !(error instanceof UsageError) && error.name !== 'YError') throw error;
      usageFailure = error?.message ?? message ?? 'invalid command line';
    });
  try {
    // With a callback yargs hands over `--help` and `--version` text instead of printing it.
    let output = '';
    const parsed = await parser.parseAsync(args, {}, (_error: Error | undefined, _argv: unknown, text: string) => {
      output = text;
    });
    if (usageFailure === undefined) json = (parsed as { json?: unknown }).json === true;
    if (output !== '' && usageFailure === undefined) io.stdout(output.endsWith('\n') ? output : output + '\n');
  } catch (error) {
    if (error instanceof UsageError) usageFailure = error.message;
    else return internalError(error, io, json);
  }
  if (usageFailure !== undefined) return usageError(usageFailure, io, json);
  if (action === undefined || options.parseOnly === true) return ExitCode.ok;
  held.holding = json && !streams;
  try {
    const code = await action();
    held.release();
    return code;
  } catch (error) {
    held.drop();
    return error instanceof UsageError ? usageError(error.message, io, json) : internalError(error, io, json);
  }
}
