import { opRegistry } from '../ops/registry.js';
import { NoGradient, type GradValue, type VjpBuilder } from '../ops/vjp.js';
import type { AttrValue } from '../tensor/attrValue.js';
import { tensor, type TensorType } from '../tensor/types.js';
import type { IrGraph, IrNode } from './ir.js';
import { csePass } from './passes/cse.js';
import { deadCodePass } from './passes/dce.js';
import { printType } from './printIr.js';
import { inferInput } from './verify.js';
import { remapReferences } from './passes/renumber.js';

/** One gradient the training step computes: of the loss with respect to `wrt`. */
export interface StepGradient {
  /** `param`: a dense parameter (named as the IR names it); `embedded`: the combined rows of an embedding lookup, which the sparse kernels turn into row gradients. */
  readonly kind: 'param' | 'embedded';
  readonly name: string;
  readonly wrt: number;
  /** The node of the step graph holding the gradient (same shape as `wrt`). */
  readonly node: number;
}

/** The training step of a model: its forward pass, loss and backward pass in one IR graph. */
export interface TrainStep {
  /** The inlined IR with the backward nodes appended; its outputs are `loss` and one `grad:NAME` per gradient. */
  readonly graph: IrGraph;
  readonly loss: number;
  readonly gradients: readonly StepGradient[];
  /** Each dropout's mask, an `input` node of the step graph (`mul(x, mask)` stands for the dropout): the trainer draws it. */
  readonly masks: readonly StepMask[];
}

/** The mask input of one dropout: `dropout` is the node of the graph the step was built from. */
export interface StepMask {
  readonly name: string;
  readonly dropout: number;
  readonly node: number;
}

/**
 * The graph with each dropout that drops something replaced by `mul(x, mask)`, the mask an
 * `input` node named `dropout@ID` (ID: the dropout's node in `graph`) just before it; a
 * kept element's gradient is then the mask's scale and a dropped one's 0, as TF.js's.
 */
function withDropoutMasks(graph: IrGraph): { graph: IrGraph; masks: StepMask[]; origin: (id: number) => number } {
  const dropouts = graph.nodes.filter((n) => n.op === 'dropout' && Number(n.attrs['rate']) > 0);
  if (dropouts.length === 0) return { graph, masks: [], origin: (id) => id };
  const newId = new Map<number, number>();
  const origin: number[] = [];
  const nodes: IrNode[] = [];
  const masks: StepMask[] = [];
  for (const n of graph.nodes) {
    const inputs = n.inputs.map((i) => newId.get(i)!);
    if (n.op === 'dropout' && Number(n.attrs['rate']) > 0) {
      const name = `dropout@${n.id}`;
      masks.push({ name, dropout: n.id, node: nodes.length });
      nodes.push({ id: nodes.length, op: 'input', type: n.type, inputs: [], attrs: { name }, loc: n.loc, scope: n.scope });
      const schema = opRegistry.get('mul')!;
      const inferred = schema.infer(inferInput(schema.params, [graph.nodes[n.inputs[0]!]!.type, n.type], {}));
      if (!inferred.ok) throw new Error(`dropout %${n.id}: ${inferred.message}`);
      newId.set(n.id, nodes.length);
      nodes.push({
        id: nodes.length,
        op: 'mul',
        type: inferred.type,
        inputs: [inputs[0]!, nodes.length - 1],
        attrs: inferred.attrs ?? {},
        loc: n.loc,
        scope: n.scope,
      });
      continue;
    }
    newId.set(n.id, nodes.length);
    origin[nodes.length] = n.id;
    nodes.push({ ...n, id: nodes.length, inputs });
  }
  return { graph: remapReferences({ ...graph, nodes }, (id) => newId.get(id) ?? -1), masks, origin: (id) => origin[id] ?? -1 };
}

/** A model the autodiff pass cannot differentiate, with the node at fault. */
export class AutodiffError extends Error {
  constructor(
    message: string,
    readonly node: IrNode | null,
  ) {
    super(message);
  }
}

/**
 * The embedding tables the training stage keeps row-sparse: `param` nodes read only as the
 * table of `embedding_lookup`s. Their lookups' outputs are fed to the step graph and get
 * gradients; the tables themselves are not in it.
 */
export function sparseTables(graph: IrGraph): Set<number> {
  const readers = new Map<number, IrNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const tables = new Set<number>();
  for (const n of graph.nodes) {
    if (n.op !== 'param') continue;
    const r = readers.get(n.id) ?? [];
    if (r.length > 0 && r.every((c) => c.op === 'embedding_lookup' && c.inputs[1] === n.id && c.inputs[0] !== n.id)) tables.add(n.id);
  }
  return tables;
}

/** Appends typed nodes to a copy of the graph's nodes: what a VJP builds with. */
class StepBuilder implements VjpBuilder {
  readonly nodes: IrNode[];
  private scope = '';
  private loc: string | null = null;

  constructor(nodes: readonly IrNode[]) {
    this.nodes = [...nodes];
  }

  /** Nodes built next are attributed to the gradient of `n`. */
  at(n: IrNode): void {
    this.scope = n.scope ? `grad/${n.scope}` : 'grad';
    this.loc = n.loc;
  }

  op(op: string, inputs: readonly GradValue[], attrs: Readonly<Record<string, AttrValue>> = {}): GradValue {
    const schema = opRegistry.get(op);
    if (!schema) throw new Error(`a VJP uses the unknown op \`${op}\``);
    const full: Record<string, AttrValue> = {};
    for (const p of schema.params) {
      if (p.kind === 'tensors') full[`${p.name}_count`] = inputs.length;
      else if (p.kind !== 'tensor' && p.kind !== 'ids' && p.kind !== 'sparse') full[p.name] = attrs[p.name] ?? p.default ?? null;
    }
    const inferred = schema.infer(
      inferInput(
        schema.params,
        inputs.map((i) => this.nodes[i]?.type),
        full,
      ),
    );
    if (!inferred.ok)
      throw new Error(
        `a VJP built an ill-typed \`${op}\`(${inputs.map((i) => printType(this.nodes[i]!.type)).join(', ')}): ${inferred.message}`,
      );
    const id = this.nodes.length;
    this.nodes.push({
      id,
      op,
      type: inferred.type,
      inputs: [...inputs],
      attrs: { ...full, ...(inferred.attrs ?? {}) },
      loc: this.loc,
      scope: this.scope,
    });
    return id;
  }

  scalar(value: number): GradValue {
    const id = this.nodes.length;
    this.nodes.push({ id, op: 'const', type: tensor('f32', []), inputs: [], attrs: { value }, loc: this.loc, scope: this.scope });
    return id;
  }

  type(value: GradValue): TensorType {
    const t = this.nodes[value]!.type;
    if (t.kind !== 'tensor') throw new Error(`%${value} is sparse where a VJP needs a dense tensor`);
    return t;
  }
}

const isFloat = (n: IrNode): boolean => n.type.kind === 'tensor' && n.type.dtype === 'f32';

/**
 * Builds the training step from a model's IR (after the passes, so inlined) and its loss:
 * the backward pass from each op's VJP (`src/ops/`), in reverse topological order (the
 * IR is in SSA order, so reverse node order), adding the contributions of a value read
 * several times, flowing only through `f32` values on a path from a parameter to the loss,
 * and stopping at ops without a gradient. Parameters that are sparse tables are left to the
 * training stage's kernels: the step differentiates their lookups' outputs instead. Each
 * dropout becomes a product with a mask the step is fed (`withDropoutMasks`). The
 * result is merged (CSE) and pruned to what the loss and gradients need (DCE).
 */
export function buildTrainStep(source: IrGraph): TrainStep {
  if (source.functions.length > 0) throw new Error('the autodiff pass needs the IR after inlining');
  // Names keep the source graph's node ids (`TABLE@LOOKUP`), which the trainer knows.
  const { graph, masks, origin } = withDropoutMasks(source);
  const lossId = graph.train?.loss;
  if (lossId === null || lossId === undefined) throw new AutodiffError('the model has no loss to differentiate', null);
  const tables = sparseTables(graph);
  const wrt: { kind: StepGradient['kind']; name: string; node: number }[] = [];
  for (const n of graph.nodes) {
    if (n.op === 'param' && !tables.has(n.id)) wrt.push({ kind: 'param', name: String(n.attrs['name']), node: n.id });
    if (n.op === 'embedding_lookup' && tables.has(n.inputs[1]!))
      wrt.push({ kind: 'embedded', name: `${String(graph.nodes[n.inputs[1]!]!.attrs['name'])}@${origin(n.id)}`, node: n.id });
  }
  // Nodes on a path from a gradient target to the loss: the only ones a gradient flows through.
  const fromWrt = new Set(wrt.map((w) => w.node));
  for (const n of graph.nodes) if (n.inputs.some((i) => fromWrt.has(i))) fromWrt.add(n.id);
  const b = new StepBuilder(graph.nodes);
  const grads = new Map<number, GradValue>();
  const accumulate = (id: number, g: GradValue): void => {
    const before = grads.get(id);
    grads.set(id, before === undefined ? g : b.op('add', [before, g]));
  };
  b.at(graph.nodes[lossId]!);
  accumulate(lossId, b.op('broadcast_to', [b.scalar(1), lossId]));
  for (let id = lossId; id >= 0; id--) {
    const g = grads.get(id);
    const n = graph.nodes[id]!;
    // Leaves, and nodes nothing differentiable feeds (an embedding lookup reads ids and a sparse table).
    if (g === undefined || !n.inputs.some((i) => fromWrt.has(i) && isFloat(graph.nodes[i]!))) continue;
    const rule = opRegistry.get(n.op)?.grad;
    if (rule === 'none') continue;
    if (rule === 'sparse' || rule === undefined)
      throw new AutodiffError(
        `\`${n.op}\` gives its table row-sparse gradients, which only the training stage's kernels compute; this table is read by other ops too`,
        n,
      );
    b.at(n);
    let inputGrads: readonly (GradValue | null)[];
    try {
      inputGrads = rule(b, { inputs: n.inputs, output: id, attrs: n.attrs }, g);
    } catch (error) {
      if (error instanceof NoGradient) throw new AutodiffError(`\`${n.op}\`: ${error.message}`, n);
      throw error;
    }
    n.inputs.forEach((input, k) => {
      const gi = inputGrads[k];
      if (gi === null || gi === undefined || !fromWrt.has(input) || !isFloat(graph.nodes[input]!)) return;
      const want = graph.nodes[input]!.type;
      const got = b.nodes[gi]!.type;
      if (printType(want) !== printType(got))
        throw new Error(
          `the VJP of \`${n.op}\` (%${id}) gives input ${k} a \`${printType(got)}\` gradient for a \`${printType(want)}\` value`,
        );
      accumulate(input, gi);
    });
  }
  const gradients: StepGradient[] = wrt.map((w) => {
    let node = grads.get(w.node);
    if (node === undefined) {
      // A parameter the loss does not read: its gradient is zero.
      b.at(graph.nodes[w.node]!);
      node = b.op('broadcast_to', [b.scalar(0), w.node]);
    }
    return { ...w, wrt: w.node, node };
  });
  const stepGraph: IrGraph = {
    ...graph,
    nodes: b.nodes,
    outputs: [{ name: 'loss', node: lossId }, ...gradients.map((g) => ({ name: `grad:${g.name}`, node: g.node }))],
    train: { ...graph.train!, metrics: [] },
    signatures: [],
  };
  return renumbered(stepGraph, gradients, masks);
}

/** CSE, then DCE keeping the features, the loss and the gradients, with the ids mapped through. */
function renumbered(graph: IrGraph, gradients: readonly StepGradient[], masks: readonly StepMask[]): TrainStep {
  // The gradient targets and masks ride along as outputs so the passes map their ids too.
  const tagged: IrGraph = {
    ...graph,
    outputs: [
      ...graph.outputs,
      ...gradients.map((g) => ({ name: `wrt:${g.name}`, node: g.wrt })),
      ...masks.map((m) => ({ name: `mask:${m.name}`, node: m.node })),
    ],
  };
  const merged = csePass.run(tagged, {});
  // DCE as the pipeline's pass does it (rootNodes: features, outputs, loss), metrics being gone.
  const pruned = deadCodePass.run(merged, {});
  const at = (name: string): number => pruned.outputs.find((o) => o.name === name)!.node;
  const result: IrGraph = { ...pruned, outputs: pruned.outputs.filter((o) => !o.name.startsWith('wrt:') && !o.name.startsWith('mask:')) };
  return {
    graph: result,
    loss: at('loss'),
    gradients: gradients.map((g) => ({ ...g, wrt: at(`wrt:${g.name}`), node: at(`grad:${g.name}`) })),
    masks: masks.map((m) => ({ ...m, node: at(`mask:${m.name}`) })),
  };
}
