/** Exit codes every `bird` command keeps to, so scripts and CI can rely on them. */
export const ExitCode = {
  ok: 0,
  /** The input has errors (diagnostics), or `fmt --check` found unformatted files. */
  diagnostics: 1,
  /** The command line itself was wrong: unknown flag, missing file. */
  usage: 2,
  /** A bug in Bird. */
  internal: 3,
} as const;
