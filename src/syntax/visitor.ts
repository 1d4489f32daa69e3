import { childFields, type Node, type NodeKind, type NodeOfKind } from './ast.js';

/** The child nodes of `node`, in source order, read through the `childFields` table. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Readonly<Record<string, unknown>>;
  for (const field of childFields[node.kind] as readonly string[]) {
    const value = record[field];
    if (Array.isArray(value)) {
      for (const v of value as Node[]) out.push(v);
    } else if (value !== null && value !== undefined) {
      out.push(value as Node);
    }
  }
  return out;
}

export type Visitor = {
  readonly [K in NodeKind]?: (node: NodeOfKind<K>, parent: Node | null) => void | false;
} & {
  /** Called for every node before its kind's handler; return `false` to skip its children. */
  readonly enter?: (node: Node, parent: Node | null) => void | false;
  readonly leave?: (node: Node, parent: Node | null) => void;
};

/** Depth-first walk; a handler returning `false` skips the node's children. */
export function visit(root: Node, visitor: Visitor, parent: Node | null = null): void {
  if (visitor.enter?.(root, parent) === false) return;
  const handler = visitor[root.kind] as ((n: Node, p: Node | null) => void | false) | undefined;
  if (handler?.(root, parent) === false) return;
  for (const child of children(root)) visit(child, visitor, root);
  visitor.leave?.(root, parent);
}
