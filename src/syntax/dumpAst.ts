import type { SourceFile } from '../source/sourceFile.js';
import { childFields, type Node } from './ast.js';

const hiddenFields = new Set(['kind', 'span', 'trivia', 'endComments', 'versionSpan']);

/**
 * A stable, indented text form of the AST for golden files and `bird compile --emit ast`:
 * one node per line as `field: Kind attr=value @line:col-line:col`, children below,
 * driven by the same `childFields` table as the visitor.
 */
export function dumpAst(root: Node, source: SourceFile): string {
  const lines: string[] = [];
  const at = (n: Node): string => {
    const s = source.position(n.span.start);
    const e = source.position(n.span.end);
    return `@${s.line}:${s.column}-${e.line}:${e.column}`;
  };
  const walk = (n: Node, label: string, depth: number): void => {
    const record = n as unknown as Readonly<Record<string, unknown>>;
    const children = new Set<string>(childFields[n.kind] as readonly string[]);
    const attrs = Object.keys(record)
      .filter((k) => !hiddenFields.has(k) && !children.has(k))
      .map((k) => `${k}=${JSON.stringify(record[k])}`);
    lines.push(`${'  '.repeat(depth)}${label}${n.kind}${attrs.length > 0 ? ' ' + attrs.join(' ') : ''} ${at(n)}`);
    for (const field of children) {
      const value = record[field];
      if (Array.isArray(value)) (value as Node[]).forEach((c, i) => walk(c, `${field}[${i}]: `, depth + 1));
      else if (value !== null && value !== undefined) walk(value as Node, `${field}: `, depth + 1);
    }
  };
  walk(root, '', 0);
  return lines.join('\n') + '\n';
}

/** The AST as JSON without trivia, for tools (`--emit ast-json`). */
export function astToJson(root: Node): unknown {
  return JSON.parse(JSON.stringify(root, (key, value: unknown) => (key === 'trivia' || key === 'endComments' ? undefined : value)));
}
