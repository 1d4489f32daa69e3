import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnosticToJson } from '../diagnostics/diagnosticJson.js';
import { renderDiagnostics, summarize } from '../diagnostics/renderDiagnostic.js';

export interface ReportOptions {
  readonly json: boolean;
  readonly color: boolean;
}

/** Where command output goes; tests pass their own to capture it. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Human output goes to stderr as code frames; `--json` prints one JSON document on stdout. */
export function reportDiagnostics(
  io: Io,
  diagnostics: readonly Diagnostic[],
  options: ReportOptions,
  extra: Record<string, unknown> = {},
): void {
  if (options.json) {
    io.stdout(JSON.stringify({ ...extra, diagnostics: diagnostics.map(diagnosticToJson) }, null, 2) + '\n');
    return;
  }
  if (diagnostics.length === 0) return;
  io.stderr(renderDiagnostics(diagnostics, { color: options.color }));
  io.stderr(`\n${summarize(diagnostics)}\n`);
}

export function useColor(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return process.stderr.isTTY === true;
}
