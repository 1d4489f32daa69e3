import { opRegistry } from '../ops/registry.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { IrFeature, IrGraph, IrNode, IrSignature } from './ir.js';
import { rootNodes } from './ir.js';
import { neededNodes } from '../tensor/neededNodes.js';
import { printType, stableJson } from './printIr.js';
import { transformChain } from './transformChain.js';

export interface GraphDotOptions {
  /** Draw only what this signature's outputs need, its outputs named by their aliases. */
  readonly signature?: IrSignature;
  /** The picture's title; the model's name by default. */
  readonly title?: string;
  /**
   * The names of the features and labels declarations the model reads (`Flight`), for the
   * titles of their clusters; the IR keeps only each field's role.
   */
  readonly setNames?: { readonly feature?: string; readonly label?: string };
}

/** A drawn end point of the graph: a model output, the loss or a metric. */
interface Sink {
  readonly id: string;
  readonly label: string;
  readonly node: number;
  readonly style: string;
}

/** The fill colors of the picture, one per kind of node, so the legend in docs/cli.md holds. */
const colors = {
  feature: '#cfe2ff',
  label: '#e2e3e5',
  transform: '#fff3cd',
  output: '#ffd8a8',
  loss: '#f8d7da',
  metric: '#e5dbff',
} as const;

/** A DOT quoted string; `\n` in `text` ends a centered line. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** An attribute value short enough for a node label: long lists (a fitted vocabulary) are counted, not listed. */
export function shortValue(v: AttrValue): string {
  if (typeof v === 'number') return String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return v.length <= 4 && v.every((e) => e === null || typeof e !== 'object')
      ? `[${v.map(shortValue).join(', ')}]`
      : `${v.length} values`;
  const json = stableJson(v);
  return json.length <= 40 ? json : `${Object.keys(v).length} fields`;
}

/** `key: value` for each attribute of an op's own parameters that differs from the parameter's default. */
function attrLines(op: string, attrs: Readonly<Record<string, AttrValue>>): string[] {
  const params = opRegistry.get(op)?.params ?? [];
  const lines: string[] = [];
  for (const p of params) {
    if (p.kind === 'tensor' || p.kind === 'sparse' || p.kind === 'ids' || p.kind === 'tensors') continue;
    const v = attrs[p.name];
    if (v === undefined || v === null) continue;
    if (p.default !== undefined && stableJson(v) === stableJson(p.default)) continue;
    lines.push(`${p.name}: ${shortValue(v)}`);
  }
  return lines;
}

/** `discrete(n: 24) = 0`: a feature's kind, its arguments and its default, as a `.bird` file declares them. */
function featureLine(f: IrFeature): string {
  const args = Object.entries(f.args).map(([k, v]) => `${k}: ${shortValue(v)}`);
  const hasDefault = f.default !== null && f.default !== '' && !(Array.isArray(f.default) && f.default.length === 0);
  return `${f.kind}${args.length > 0 ? `(${args.join(', ')})` : ''}${hasDefault ? ` = ${shortValue(f.default)}` : ''}`;
}

/** The last segment of a parameter's name (`w` of `mlp_0/dense_0/w`) when it lives in the scope that uses it. */
function paramName(param: IrNode, user: IrNode): string {
  const name = String(param.attrs['name'] ?? `%${param.id}`);
  return user.scope !== '' && name.startsWith(`${user.scope}/`) ? name.slice(user.scope.length + 1) : name;
}

/** Nested clusters by call path: `mlp_0/dense_1` lies inside `mlp_0`. */
interface Scope {
  readonly path: string;
  readonly nodes: number[];
  readonly children: Map<string, Scope>;
}

function scopeTree(nodes: readonly IrNode[], ids: readonly number[]): Scope {
  const root: Scope = { path: '', nodes: [], children: new Map() };
  for (const id of ids) {
    let at = root;
    const parts = nodes[id]!.scope === '' ? [] : nodes[id]!.scope.split('/');
    parts.forEach((part, i) => {
      const path = parts.slice(0, i + 1).join('/');
      let next = at.children.get(part);
      if (!next) {
        next = { path, nodes: [], children: new Map() };
        at.children.set(part, next);
      }
      at = next;
    });
    at.nodes.push(id);
  }
  return root;
}

/**
 * The network of an IR graph as Graphviz DOT, a pure function of the IR so its output
 * can be a golden file: block calls as clusters nested by call path, the features (and
 * labels) with their transforms in clusters of their own, every edge labelled with the
 * tensor type it carries (`f32[B, 256]`), the model's outputs, loss and metrics as
 * highlighted end points. Parameters and constants are not drawn as nodes: the node
 * using one lists it (`w [94, 256]`), so a dense layer is one `matmul` and one `add`.
 */
export function graphDot(graph: IrGraph, options: GraphDotOptions = {}): string {
  const { nodes } = graph;
  const sig = options.signature;
  const outputNode = (name: string): number => graph.outputs.find((o) => o.name === name)?.node ?? -1;
  const sinks: Sink[] = sig
    ? sig.outputs.map((o, i) => ({
        id: `out_${i}`,
        label: o.alias === o.name ? o.alias : `${o.alias} (${o.name})`,
        node: outputNode(o.name),
        style: `fillcolor="${colors.output}", penwidth=2`,
      }))
    : [
        ...graph.outputs.map((o, i) => ({
          id: `out_${i}`,
          label: `out ${o.name}`,
          node: o.node,
          style: `fillcolor="${colors.output}", penwidth=2`,
        })),
        ...(graph.train?.loss !== null && graph.train?.loss !== undefined
          ? [{ id: 'loss', label: 'loss', node: graph.train.loss, style: `fillcolor="${colors.loss}"` }]
          : []),
        ...(graph.train?.metrics ?? []).map((m, i) => ({
          id: `metric_${i}`,
          label: `metric ${m.name}`,
          node: m.node,
          style: `fillcolor="${colors.metric}"`,
        })),
      ];
  const roots = sig ? sinks.map((s) => s.node) : [...rootNodes(graph), ...sinks.map((s) => s.node)];
  const needed = neededNodes(
    nodes,
    roots.filter((r) => r >= 0),
  );
  const rootSet = new Set(roots);
  // Parameters and constants fold into the label of the node that uses them.
  const folded = (id: number): boolean => (nodes[id]!.op === 'param' || nodes[id]!.op === 'const') && !rootSet.has(id);
  const drawn = [...needed].filter((id) => !folded(id)).sort((a, b) => a - b);

  const inputOf = new Map<number, IrFeature>();
  const transformOf = new Map<number, { feature: IrFeature; index: number }>();
  for (const f of graph.features) {
    inputOf.set(f.node, f);
    transformChain(nodes, f).forEach((id, index) => transformOf.set(id, { feature: f, index }));
  }

  const label = (id: number): string => {
    const n = nodes[id]!;
    const feature = inputOf.get(id);
    if (feature) return `${feature.name}\n${featureLine(feature)}`;
    const transform = transformOf.get(id);
    if (transform) return [`|> ${transform.feature.transforms[transform.index]!.name}`, ...attrLines(n.op, n.attrs)].join('\n');
    const inline = n.inputs.map((i) => (folded(i) ? nodes[i]! : undefined));
    const head = inline.some((p) => p?.op === 'const')
      ? `${n.op}(${inline.map((p) => (p === undefined ? '·' : p.op === 'const' ? shortValue(p.attrs['value'] ?? null) : paramName(p, n))).join(', ')})`
      : n.op;
    const params = inline
      .filter((p): p is IrNode => p?.op === 'param')
      .map((p) => `${paramName(p, n)} ${p.type.kind === 'tensor' ? `[${p.type.shape.join(', ')}]` : printType(p.type)}`);
    return [head, ...params, ...attrLines(n.op, n.attrs)].join('\n');
  };
  const style = (id: number): string => {
    const feature = inputOf.get(id);
    if (feature) return `, shape=box, style="filled", fillcolor="${feature.role === 'label' ? colors.label : colors.feature}"`;
    if (transformOf.has(id)) return `, fillcolor="${colors.transform}"`;
    const family = opRegistry.get(nodes[id]!.op)?.family;
    return family === 'loss' ? `, fillcolor="${colors.loss}"` : family === 'metric' ? `, fillcolor="${colors.metric}"` : '';
  };
  const nodeLine = (id: number, indent: string): string => `${indent}n${id} [label=${quote(label(id))}${style(id)}]`;

  const lines: string[] = [
    `digraph ${quote(graph.model)} {`,
    `  graph [label=${quote(options.title ?? graph.model)}, labelloc=t, fontname="Helvetica", fontsize=14, rankdir=TB, nodesep=0.25, ranksep=0.35]`,
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10, margin="0.1,0.04", height=0.3]',
    '  edge [fontname="Helvetica", fontsize=8, color="#555555", fontcolor="#333333", arrowsize=0.6]',
  ];
  // Features and labels, each feature followed by its transforms.
  for (const role of ['feature', 'label'] as const) {
    const ids = drawn.filter((id) => (inputOf.get(id) ?? transformOf.get(id)?.feature)?.role === role);
    if (ids.length === 0) continue;
    const setName = options.setNames?.[role];
    lines.push(
      `  subgraph cluster_${role}s {`,
      `    label=${quote(`${role}s${setName === undefined ? '' : ` ${setName}`}`)}; style="rounded,filled"; fillcolor="#f6f9fe"; color="#9fb8d9"; fontname="Helvetica"; fontsize=11`,
    );
    for (const id of ids) lines.push(nodeLine(id, '    '));
    lines.push('  }');
  }
  const body = drawn.filter((id) => !inputOf.has(id) && !transformOf.has(id));
  const emitScope = (scope: Scope, depth: number): void => {
    const indent = '  '.repeat(depth + 1);
    for (const id of scope.nodes) lines.push(nodeLine(id, indent));
    for (const [name, child] of scope.children) {
      lines.push(
        `${indent}subgraph ${quote(`cluster_${child.path}`)} {`,
        `${indent}  label=${quote(name)}; style="rounded"; color="#8a8a8a"; fontname="Helvetica"; fontsize=10`,
      );
      emitScope(child, depth + 1);
      lines.push(`${indent}}`);
    }
  };
  emitScope(scopeTree(nodes, body), 0);
  for (const s of sinks) lines.push(`  ${s.id} [label=${quote(s.label)}, shape=box, style="filled", ${s.style}]`);

  for (const id of drawn) {
    for (const i of nodes[id]!.inputs) if (!folded(i)) lines.push(`  n${i} -> n${id} [label=${quote(printType(nodes[i]!.type))}]`);
  }
  for (const s of sinks) if (s.node >= 0) lines.push(`  n${s.node} -> ${s.id} [label=${quote(printType(nodes[s.node]!.type))}]`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
