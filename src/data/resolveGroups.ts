import { diagnostic } from '../diagnostics/diagnostic.js';
import type { IrFeature, IrGraph } from '../ir/ir.js';
import { fieldColumns } from '../semantic/featureKinds.js';
import { SourceFile } from '../source/sourceFile.js';
import { DataError } from './dataError.js';
import { readDataRows } from './readDataRows.js';
import type { DataFormat } from './readRows.js';

/** Whether a column matches a feature group's pattern: `*` any run of characters, `?` one, the rest literally. */
export function matchesPattern(pattern: string, column: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(column);
}

/**
 * Resolves the pattern of each feature group (`continuous(n: 30, columns: "px_*")`) against
 * the header of the training data: the columns it matches, in header order, replace the
 * pattern in the feature's `args` and its input node, so the run's IR (and the artifact's
 * manifest) records them. A pattern that matches no column, or another number than `n`, or
 * a column another feature reads, is `BIRD7040` at the header.
 */
export async function resolveGroups(graph: IrGraph, path: string, format?: DataFormat): Promise<IrGraph> {
  const patterns = graph.features.filter((f) => typeof f.args['columns'] === 'string');
  if (patterns.length === 0) return graph;
  let header: string[] = [];
  for await (const { row } of readDataRows(path, format)) {
    header = [...row.values.keys()];
    break;
  }
  const taken = new Map(graph.features.flatMap((f) => fieldColumns(f.name, f.args).map((c) => [c, f.name] as const)));
  const resolved = new Map<IrFeature, string[]>();
  for (const f of patterns) {
    const pattern = String(f.args['columns']);
    const n = Number(f.args['n']);
    const matched = header.filter((c) => matchesPattern(pattern, c));
    const source = new SourceFile(path, header.join(','), 0);
    const fail = (problem: string, help: string): never => {
      throw new DataError(
        diagnostic(
          'groupPattern',
          { name: f.name, pattern, problem },
          source,
          { start: 0, end: source.text.length },
          { label: 'the header', help },
        ),
      );
    };
    if (matched.length === 0) fail('matches no column', `the columns are ${header.map((c) => `\`${c}\``).join(', ')}`);
    const other = matched.find((c) => taken.has(c));
    if (other !== undefined)
      fail(`matches column \`${other}\`, which feature \`${taken.get(other)}\` reads`, 'a column feeds one feature; narrow the pattern');
    if (matched.length !== n)
      fail(
        `matches ${matched.length} column${matched.length === 1 ? '' : 's'} (${matched.map((c) => `\`${c}\``).join(', ')}), but the group declares \`n: ${n}\``,
        `write \`n: ${matched.length}\`, or change the pattern`,
      );
    matched.forEach((c) => taken.set(c, f.name));
    resolved.set(f, matched);
  }
  const features = graph.features.map((f) => (resolved.has(f) ? { ...f, args: { ...f.args, columns: resolved.get(f)! } } : f));
  // The input node states the same arguments, which the ONNX export reads.
  const argsAt = new Map(features.filter((_, i) => resolved.has(graph.features[i]!)).map((f) => [f.node, f.args]));
  const nodes = graph.nodes.map((node, id) => (argsAt.has(id) ? { ...node, attrs: { ...node.attrs, args: argsAt.get(id)! } } : node));
  return { ...graph, features, nodes };
}
