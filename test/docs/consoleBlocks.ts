/**
 * Runs the ```console blocks of a documentation page, in page order, and compares what
 * each command prints with what the page shows.
 *
 * A ```console block is a list of commands, each a line starting with `$ `, followed by
 * the lines it prints (stdout and stderr together, as a terminal shows them). Each command
 * runs in bash, as a user would type it:
 *
 * - `bird` is the built CLI (`node dist/src/cli/main.js`, through a `bird` script put first
 *   on PATH, as after `npm install -g`); `npx bird` runs as written, in a folder that holds
 *   the repository (see `$REPO` below), with an npm cache of its own and npm offline, so it
 *   resolves the package's own `bin` or fails; it never downloads anything, and it does
 *   not run the package's `prepare` again (the build is done; run in place, it would
 *   rewrite dist/ under the other tests' feet). What npx
 *   prints itself is compared too: npm 11 warns about the repository's `.npmrc` setting
 *   on every command (`npm warn Unknown project config ...`), and the README shows and
 *   explains that line. The npm_* variables of the `npm test` that runs jest are removed,
 *   as a reader's shell has none.
 * - `$?` is the exit status of the previous command, and `cd` moves the later commands.
 * - The locale is `C.UTF-8`, so that `sort` and the like order the same on every machine.
 * - Output is compared line for line; the only liberties are the masks below, an output
 *   line of just `...`, which stands for any number of lines (to cut a long listing), and
 *   the page's folder, which the pages show as `/tmp/bird-docs/PAGE` (`PAGE` is the file
 *   name without `.md`: `/tmp/bird-docs/cli` for docs/cli.md).
 *
 * Annotations, HTML comments on a line of their own, act where they stand:
 *
 * - `<!-- file: PATH -->`: the next fenced block (of any language) is written to PATH,
 *   relative to the current folder. The block is shown to the reader as the file.
 * - `<!-- setup: COMMAND -->`: COMMAND runs there, in bash, in the current folder, with
 *   the same `bird` and `$REPO`; it must exit 0, and what it prints is not shown or
 *   compared. It prepares what a reader is assumed to have done (copy a model, cut a data
 *   file) without cluttering the page.
 * - `<!-- cwd: $REPO -->`: from here on, commands run in a fresh copy of the repository
 *   (its top-level files, `models/` and `dist/` copied, the other folders, `node_modules/`
 *   among them, linked; nothing under them is written). `$REPO` is also
 *   set in the environment of every command and setup. `<!-- cwd: /tmp/bird-docs/PAGE -->`
 *   goes back to the page's own folder, where every page starts, empty.
 * - `<!-- mask: REGEX -->`: for the next ```console block only, the parts of the output
 *   that REGEX (a JavaScript regular expression; `|` for several) matches may differ:
 *   times, speeds, run folder names. A part masked in the page and the part of the real
 *   output in its place must both match REGEX. The real text is then remembered: a later
 *   command of the page that contains the page's text gets the real one instead, so
 *   `bird export --checkpoint runs/DelayMlp/2026-11-28T21-43-20-668Z` exports the run that
 *   the earlier `bird train` really wrote.
 * - `<!-- no-run: REASON -->`: the next ```console block is not run (REASON says why: an
 *   hour of training on the full dataset, a benchmark); every `bird` command in it must
 *   still be a valid command line (it parses, see cliCommandLines.ts).
 * - `<!-- background: REASON -->`: the next ```console block is one command that keeps
 *   running (a server): it starts in the background, its output so far must come to match
 *   the page's (masks apply) within two minutes, and it keeps running while the rest of the
 *   page runs against it; when the page ends it gets SIGTERM (as Ctrl-C would stop it).
 *
 * A page's folder is a fresh temporary folder per test run, removed afterwards.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { docItems, repoRoot, type Fence } from './docBlocks.js';

export interface Command {
  readonly line: number;
  readonly text: string;
  /** What the page shows it printing, one entry per line. */
  readonly output: readonly string[];
}

export type Step =
  | { readonly kind: 'file'; readonly line: number; readonly path: string; readonly text: string }
  | { readonly kind: 'setup'; readonly line: number; readonly command: string }
  | { readonly kind: 'cwd'; readonly line: number; readonly value: string }
  | {
      readonly kind: 'block';
      readonly line: number;
      readonly commands: readonly Command[];
      readonly masks: readonly string[];
      readonly noRun?: string;
      readonly background?: string;
    };

/** The commands of a ```console block, each with the lines it prints. */
export function consoleCommands(page: string, fence: Fence): Command[] {
  const commands: { line: number; text: string; output: string[] }[] = [];
  fence.text
    .replace(/\n$/, '')
    .split('\n')
    .forEach((text, i) => {
      const line = fence.line + 1 + i;
      if (text.startsWith('$ ')) commands.push({ line, text: text.slice(2), output: [] });
      else if (commands.length === 0) throw new Error(`${page}:${line}: a console block starts with a \`$ \` command, not output`);
      else commands[commands.length - 1]!.output.push(text);
    });
  return commands;
}

/** The page's annotations and ```console blocks as the steps that run them, in page order. */
export function pageSteps(page: string): Step[] {
  const steps: Step[] = [];
  let file: string | undefined;
  let masks: string[] = [];
  let noRun: string | undefined;
  let background: string | undefined;
  for (const item of docItems(page)) {
    if (item.kind === 'annotation') {
      if (item.key === 'file') file = item.value;
      else if (item.key === 'setup') steps.push({ kind: 'setup', line: item.line, command: item.value });
      else if (item.key === 'cwd') steps.push({ kind: 'cwd', line: item.line, value: item.value });
      else if (item.key === 'mask') masks.push(item.value);
      else if (item.key === 'no-run') noRun = item.value;
      else if (item.key === 'background') background = item.value;
      continue;
    }
    if (file !== undefined) steps.push({ kind: 'file', line: item.line, path: file, text: item.text });
    file = undefined;
    if (item.lang === 'console') {
      const commands = consoleCommands(page, item);
      if (background !== undefined && (commands.length !== 1 || noRun !== undefined))
        throw new Error(`${page}:${item.line}: a \`background:\` block is one command that runs`);
      steps.push({
        kind: 'block',
        line: item.line,
        commands,
        masks,
        ...(noRun !== undefined ? { noRun } : {}),
        ...(background !== undefined ? { background } : {}),
      });
    } else if (masks.length > 0 || noRun !== undefined || background !== undefined) {
      throw new Error(
        `${page}:${item.line}: \`mask:\`, \`no-run:\` and \`background:\` are for the next \`\`\`console block, not a \`\`\`${item.lang} block`,
      );
    }
    masks = [];
    noRun = undefined;
    background = undefined;
  }
  return steps;
}

/** Top-level entries of the repository that commands must not see: what earlier runs left. */
const leftovers = new Set(['.git', 'runs', 'artifacts', 'tmp', 'coverage']);

/** The folder a page's commands run in, with `bird` on PATH; see the comment at the top. */
export class DocShell {
  readonly shownDir: string;
  readonly pageDir: string;
  cwd: string;
  private readonly root: string;
  private repo: string | undefined;
  private status = 0;
  /** Page text of a masked part -> the real text in its place. */
  private readonly bindings = new Map<string, string>();
  /** The `background:` commands still running. */
  private readonly background: { child: ChildProcess; exited: Promise<number | null> }[] = [];

  constructor(page: string) {
    const name = basename(page, '.md');
    this.shownDir = `/tmp/bird-docs/${name}`;
    this.root = realpathSync(mkdtempSync(join(tmpdir(), 'bird-docs-')));
    this.pageDir = join(this.root, name);
    mkdirSync(this.pageDir);
    mkdirSync(join(this.root, 'bin'));
    writeFileSync(
      join(this.root, 'bin', 'bird'),
      `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'dist', 'src', 'cli', 'main.js')}" "$@"\n`,
      { mode: 0o755 },
    );
    this.cwd = this.pageDir;
  }

  /** The copy of the repository, made on first use. */
  repoDir(): string {
    if (this.repo === undefined) {
      this.repo = join(this.root, 'repo');
      mkdirSync(this.repo);
      for (const entry of readdirSync(repoRoot, { withFileTypes: true })) {
        if (leftovers.has(entry.name)) continue;
        const from = join(repoRoot, entry.name);
        const to = join(this.repo, entry.name);
        // Folders are linked (node_modules is large); models/ is copied, as a command may
        // write there (`bird fmt`), and so is dist/, which npx might otherwise rebuild in place.
        if (entry.isDirectory() && (entry.name === 'models' || entry.name === 'dist')) cpSync(from, to, { recursive: true });
        else if (entry.isDirectory()) symlinkSync(from, to);
        else cpSync(from, to);
      }
    }
    return this.repo;
  }

  /** Applies a `cwd:` annotation. */
  changeDir(value: string): void {
    if (value === '$REPO') this.cwd = this.repoDir();
    else if (value === this.shownDir) this.cwd = this.pageDir;
    else throw new Error(`cwd: ${value}: a page runs in \`$REPO\` or in its own folder, \`${this.shownDir}\``);
  }

  writeFile(path: string, text: string): void {
    const to = resolve(this.cwd, path);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }

  /** Runs one command line in bash; returns what it printed, with the page folder shown as the page shows it. */
  run(command: string): { output: string; status: number } {
    let text = command;
    for (const [shown, real] of this.bindings) text = text.replaceAll(shown, real);
    const cwdFile = join(this.root, 'cwd');
    const script = `exec 2>&1\n(exit ${this.status})\n${text}\n__bird_status=$?\npwd > '${cwdFile}'\nexit $__bird_status\n`;
    const result = spawnSync('bash', ['-c', script], {
      cwd: this.cwd,
      env: this.env(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    if (result.error) throw result.error;
    if (existsSync(cwdFile)) this.cwd = readFileSync(cwdFile, 'utf8').trim();
    rmSync(cwdFile, { force: true });
    this.status = result.status ?? 128;
    const output = (result.stdout + result.stderr).replaceAll(this.pageDir, this.shownDir);
    return { output: output === '' || output.endsWith('\n') ? output : output + '\n', status: this.status };
  }

  /**
   * Starts a command that keeps running (a `background:` block) and waits until what it
   * printed matches `expected` (see matchOutput); returns the match's masked pairs, or
   * throws with what it printed when it exits or two minutes pass first.
   */
  async start(command: string, expected: string, masks: readonly string[]): Promise<[string, string][]> {
    let text = command;
    for (const [shown, real] of this.bindings) text = text.replaceAll(shown, real);
    // `exec`, so that the SIGTERM of stopBackground reaches the command itself, not a shell; its own
    // process group (`detached`), so that it reaches what the command starts too (`npx bird serve`
    // runs the server as a child of npm, which does not pass SIGTERM on).
    const child = spawn('bash', ['-c', `exec 2>&1\nexec ${text}\n`], {
      cwd: this.cwd,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let printed = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    this.background.push({ child, exited });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const match = matchOutput(expected, printed.replaceAll(this.pageDir, this.shownDir), masks);
      if (match.pairs !== undefined) return match.pairs;
      const state = await Promise.race([
        exited.then((code) => `exited ${code}`),
        new Promise<string>((done) => setTimeout(() => done(''), 100)),
      ]);
      if (state !== '' || Date.now() > deadline)
        throw new Error(`\`${command}\` ${state || "did not print the page's lines within 2 minutes"}; it printed:\n${printed}`);
    }
  }

  /**
   * Stops the `background:` commands and every process they started (SIGTERM to the process
   * group, then SIGKILL after 10 s) and waits until none is left, so that the next page can
   * listen on the same ports.
   */
  async stopBackground(): Promise<void> {
    await Promise.all(
      this.background.map(async ({ child }) => {
        const group = -(child.pid ?? 0);
        const signal = (name: NodeJS.Signals | 0): boolean => {
          try {
            process.kill(group, name);
            return true;
          } catch {
            return false; // ESRCH: no process of the group is left
          }
        };
        if (child.pid === undefined) return;
        signal('SIGTERM');
        const killAt = Date.now() + 10_000;
        while (signal(0)) {
          if (Date.now() > killAt) signal('SIGKILL');
          await new Promise((done) => setTimeout(done, 50));
        }
      }),
    );
    this.background.length = 0;
  }

  /** The environment of a command: the page's `bird` first on PATH, no npm_* variables. */
  private env(): Record<string, string | undefined> {
    // `npm test` exports npm's settings as npm_* variables; a reader's shell has none.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'));
    const env: Record<string, string | undefined> = {
      ...inherited,
      PATH: `${join(this.root, 'bin')}:${process.env['PATH'] ?? ''}`,
      REPO: this.repoDir(),
      npm_config_cache: join(this.root, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      // npx installs the repository as a package; its `prepare` (the build) has already run.
      npm_config_ignore_scripts: 'true',
      // One collation everywhere, so `sort` orders as the page shows.
      LC_ALL: 'C.UTF-8',
    };
    delete env['FORCE_COLOR'];
    return env;
  }

  /** Remembers the real text of each masked part, for later commands. */
  bind(pairs: readonly (readonly [string, string])[]): void {
    for (const [shown, real] of pairs) if (shown !== real) this.bindings.set(shown, real);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Whether `actual` is `expected` up to the masks and `...` lines. Returns the two texts
 * with each masked part replaced by `«masked»` (for a readable failure) and, when they
 * match, each masked part of the page paired with the real text in its place.
 */
export function matchOutput(
  expected: string,
  actual: string,
  masks: readonly string[],
): { expected: string; actual: string; pairs?: [string, string][] } {
  const lines = expected === '' ? [] : expected.replace(/\n$/, '').split('\n');
  if (masks.length === 0 && !lines.includes(elision)) return actual === expected ? { expected, actual, pairs: [] } : { expected, actual };
  const mask = masks.length === 0 ? undefined : new RegExp(masks.map((m) => `(?:${m})`).join('|'), 'g');
  const hide = (text: string): string => (mask ? text.replace(mask, (m) => (m === '' ? m : '«masked»')) : text);
  let pattern = '^';
  const shown: string[] = [];
  for (const line of lines) {
    if (line === elision) {
      pattern += '(?:.*\n)*?';
      continue;
    }
    const parts = mask ? line.split(new RegExp(`(${mask.source})`, 'g')) : [line];
    parts.forEach((part, i) => {
      if (part === undefined) return;
      if (i % 2 === 0) pattern += escapeRegExp(part);
      else if (part !== '') {
        pattern += `(?<m${shown.length}>${mask!.source})`;
        shown.push(part);
      }
    });
    pattern += '\n';
  }
  const match = new RegExp(pattern + '$').exec(actual);
  if (!match) return { expected: hide(expected), actual: hide(actual) };
  return { expected: hide(expected), actual: hide(actual), pairs: shown.map((s, i) => [s, match.groups![`m${i}`]!]) };
}

/** An output line of just this stands for any number of lines, none included. */
const elision = '...';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fails when dist/ is missing or older than a file under src/: the pages show the built CLI. */
export function checkBuilt(): void {
  const main = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` before the documentation tests');
  const built = statSync(main).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const found = entry.isDirectory() ? newer(path) : entry.name.endsWith('.ts') && statSync(path).mtimeMs > built ? path : undefined;
      if (found) return found;
    }
    return undefined;
  };
  const stale = newer(join(repoRoot, 'src'));
  if (stale) throw new Error(`dist/ is older than ${stale}: run \`npm run build\` before the documentation tests`);
}
