import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<!-- key: value -->` on a line of its own, before the block it applies to. */
export interface Annotation {
  readonly kind: 'annotation';
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A fenced code block: its info string's first word, its text (with a final newline), its opening line. */
export interface Fence {
  readonly kind: 'fence';
  readonly lang: string;
  readonly text: string;
  readonly line: number;
}

export type DocItem = Annotation | Fence;

/**
 * The annotations the doc tests read: `file`, `expect` (birdSnippets.test.ts); `setup`,
 * `cwd`, `mask`, `no-run`, `background` (consoleBlocks.ts, which describes them).
 */
export const annotationKeys = ['file', 'expect', 'setup', 'cwd', 'mask', 'no-run', 'background'];

export const repoRoot = join(import.meta.dirname, '..', '..');

/** README.md and every docs/*.md, as paths relative to the repository, so new pages are covered as they appear. */
export function docPages(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

const fenceOpen = /^(`{3,})\s*([^`\s]*)[^`]*$/;
const annotationLine = /^<!--\s*([a-z-]+):\s?(.*?)\s*-->$/;

/**
 * The annotations and fenced blocks of a Markdown page, in page order. Only fences that
 * start at the beginning of a line count (the docs indent none); a closing fence is a
 * line of at least as many backticks. A page whose fence never closes throws, so a
 * broken page cannot hide its blocks.
 */
export function docItems(page: string): DocItem[] {
  const lines = readFileSync(join(repoRoot, page), 'utf8').split('\n');
  const items: DocItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const annotation = annotationLine.exec(line);
    if (annotation) {
      items.push({ kind: 'annotation', key: annotation[1]!, value: annotation[2]!, line: i + 1 });
      continue;
    }
    const open = fenceOpen.exec(line);
    if (!open) continue;
    const ticks = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^(`{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]!.length >= ticks) break;
      body.push(lines[j]!);
    }
    if (j === lines.length) throw new Error(`${page}:${i + 1}: the fence opened here is never closed`);
    items.push({ kind: 'fence', lang: open[2]!, text: body.length === 0 ? '' : body.join('\n') + '\n', line: i + 1 });
    i = j;
  }
  return items;
}
