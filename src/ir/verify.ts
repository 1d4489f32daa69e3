import { opRegistry } from '../ops/registry.js';
import type { InferInput, OperandType } from '../semantic/primitives.js';
import type { AttrValue } from '../tensor/attrValue.js';
import { rootNodes, type IrFunction, type IrGraph, type IrNode, type IrType } from './ir.js';
import { printType } from './printIr.js';

export interface VerifyOptions {
  /** After the inline pass: no functions and no `call` nodes remain. */
  readonly inlined?: boolean;
}

function sameType(a: IrType, b: IrType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'sparse' && b.kind === 'sparse') return a.keys === b.keys && a.vocab === b.vocab && a.weighted === b.weighted;
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    return a.dtype === b.dtype && a.vocab === b.vocab && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  }
  return false;
}

/**
 * Checks the IR's invariants: nodes numbered in order, inputs defined before use (SSA),
 * every op in the registry, every result type equal to what the op's own inference gives
 * for its inputs and attributes, calls matching their functions, and the graph's
 * references in range. Returns the problems found; empty means valid.
 */
export function verifyIr(graph: IrGraph, options: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  const functions = new Map<string, IrFunction>();
  if (options.inlined && graph.functions.length > 0) problems.push(`${graph.functions.length} functions remain after inlining`);
  for (const fn of graph.functions) {
    checkNodes(fn.nodes, `function \`${fn.name}\``, functions, problems, options, true);
    if (!fn.nodes[fn.result]) problems.push(`function \`${fn.name}\`: result %${fn.result} does not exist`);
    functions.set(fn.name, fn);
  }
  checkNodes(graph.nodes, 'main', functions, problems, options, false);
  for (const id of rootNodes(graph)) {
    if (!graph.nodes[id]) problems.push(`main: the graph refers to %${id}, which does not exist`);
  }
  for (const f of graph.features) {
    const n = graph.nodes[f.node];
    if (n && (n.op !== 'input' || n.attrs['name'] !== f.name))
      problems.push(`feature \`${f.name}\` points at %${f.node}, which is not its input`);
  }
  const loss = graph.train?.loss;
  if (loss !== null && loss !== undefined) {
    const t = graph.nodes[loss]?.type;
    if (t && (t.kind !== 'tensor' || t.shape.length !== 0)) problems.push(`the loss %${loss} is not a scalar`);
  }
  return problems;
}

function checkNodes(
  nodes: readonly IrNode[],
  where: string,
  functions: ReadonlyMap<string, IrFunction>,
  problems: string[],
  options: VerifyOptions,
  inFunction: boolean,
): void {
  let args = 0;
  nodes.forEach((n, index) => {
    const at = `${where} %${n.id} (${n.op})`;
    if (n.id !== index) problems.push(`${where}: node ${index} is numbered %${n.id}`);
    for (const i of n.inputs) if (!(i >= 0 && i < index)) problems.push(`${at}: input %${i} is not defined before it`);
    const schema = opRegistry.get(n.op);
    if (!schema) {
      problems.push(`${at}: unknown op`);
      return;
    }
    const inputTypes = n.inputs.map((i) => nodes[i]?.type).filter((t): t is IrType => t !== undefined);
    switch (n.op) {
      case 'arg':
        if (!inFunction) problems.push(`${at}: \`arg\` outside a function`);
        else if (n.attrs['index'] !== args++) problems.push(`${at}: args must be numbered 0, 1, ... in order`);
        return;
      case 'input':
        if (inFunction) problems.push(`${at}: \`input\` inside a function`);
        return;
      case 'const':
        return;
      case 'call': {
        if (options.inlined) problems.push(`${at}: a call remains after inlining`);
        const fn = functions.get(String(n.attrs['fn']));
        if (!fn) {
          problems.push(`${at}: calls unknown function \`${String(n.attrs['fn'])}\``);
          return;
        }
        const params = fn.nodes.filter((m) => m.op === 'arg');
        if (params.length !== n.inputs.length)
          problems.push(`${at}: passes ${n.inputs.length} inputs to \`${fn.name}\`, which takes ${params.length}`);
        params.forEach((p, i) => {
          const t = inputTypes[i];
          if (t && !sameType(t, p.type)) problems.push(`${at}: input ${i} is ${printType(t)}, \`${fn.name}\` expects ${printType(p.type)}`);
        });
        const result = fn.nodes[fn.result];
        if (result && !sameType(result.type, n.type))
          problems.push(`${at}: typed ${printType(n.type)} but \`${fn.name}\` returns ${printType(result.type)}`);
        return;
      }
    }
    const inferred = schema.infer(
      inferInput(
        schema.params,
        n.inputs.map((i) => nodes[i]?.type),
        n.attrs,
      ),
    );
    if (!inferred.ok) problems.push(`${at}: ${inferred.message}`);
    else if (!sameType(inferred.type, n.type))
      problems.push(`${at}: typed ${printType(n.type)} but the op gives ${printType(inferred.type)}`);
  });
}

/** Rebuilds an op's inference input from a node: tensor operands in parameter order, the rest attributes. */
export function inferInput(
  params: readonly { name: string; kind: string }[],
  types: readonly (IrType | undefined)[],
  attrs: Readonly<Record<string, AttrValue>>,
): InferInput {
  const operands: Record<string, OperandType | OperandType[]> = {};
  let next = 0;
  for (const p of params) {
    if (p.kind === 'tensor' || p.kind === 'sparse' || p.kind === 'ids') {
      const t = types[next++];
      if (t) operands[p.name] = t;
    } else if (p.kind === 'tensors') {
      const count = Number(attrs[`${p.name}_count`] ?? 0);
      operands[p.name] = types.slice(next, next + count).filter((t): t is IrType => t !== undefined);
      next += count;
    }
  }
  return { operands, attrs };
}
