import type { AttrValue } from '../tensor/attrValue.js';
import { irVersion, type IrGraph, type IrNode, type IrType } from './ir.js';

/** Attributes as JSON with sorted keys, so the text is stable. */
export function stableJson(value: AttrValue | object): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function printType(t: IrType): string {
  if (t.kind === 'sparse') return `sparse<${t.keys}, ${t.vocab}${t.weighted ? ', weighted' : ''}>`;
  return `${t.dtype}[${t.shape.join(', ')}]${t.vocab === undefined ? '' : `/${t.vocab}`}`;
}

function printNode(n: IrNode): string {
  const attrs = Object.keys(n.attrs).length > 0 ? ` ${stableJson(n.attrs)}` : '';
  const where =
    n.loc !== null || n.scope !== ''
      ? ` #${n.loc !== null ? ` ${JSON.stringify(n.loc)}` : ''}${n.scope !== '' ? ` in ${JSON.stringify(n.scope)}` : ''}`
      : '';
  return `  %${n.id}: ${printType(n.type)} = ${n.op}(${n.inputs.map((i) => `%${i}`).join(', ')})${attrs}${where}`;
}

/**
 * The IR as text, one node per line in the style of a jaxpr:
 * `%3: f32[B, 64] = matmul(%1, %2) {"...": ...} # "file.bird:4:7" in "mlp_0/dense_0"`.
 * `parseIr` reads it back to an equal graph.
 */
export function printIr(graph: IrGraph): string {
  const lines: string[] = [`bird-ir ${irVersion} ${JSON.stringify(graph.model)}`];
  for (const f of graph.features) {
    const { node, ...rest } = f;
    lines.push(`feature %${node} ${stableJson(rest)}`);
  }
  for (const fn of graph.functions) {
    lines.push(`func ${JSON.stringify(fn.name)} block ${JSON.stringify(fn.block)} result %${fn.result} {`);
    for (const n of fn.nodes) lines.push(printNode(n));
    lines.push('}');
  }
  lines.push('main {');
  for (const n of graph.nodes) lines.push(printNode(n));
  lines.push('}');
  for (const o of graph.outputs) lines.push(`output ${JSON.stringify(o.name)} %${o.node}`);
  if (graph.train) lines.push(`train ${stableJson(graph.train)}`);
  for (const s of graph.signatures) lines.push(`signature ${stableJson(s)}`);
  return lines.join('\n') + '\n';
}
