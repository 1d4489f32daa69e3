import type { CheckedModel } from '../semantic/checkedModel.js';
import type { ElabFunction, ElabNode } from '../semantic/graph.js';
import { irVersion, type IrFunction, type IrGraph, type IrNode } from './ir.js';

function loc(n: ElabNode): string | null {
  return n.origin ? n.origin.source.locationOf(n.origin.span) : null;
}

/** Gives each parameter of a function a unique local name (`w`, `w_1`, ...). */
function lowerNodes(fn: ElabFunction): IrNode[] {
  const used = new Map<string, number>();
  return fn.nodes.map((n) => {
    let attrs = n.attrs;
    if (n.op === 'param') {
      const base = String(n.attrs['name'] ?? 'param');
      const count = used.get(base) ?? 0;
      used.set(base, count + 1);
      attrs = { ...n.attrs, name: count === 0 ? base : `${base}_${count}` };
    }
    return { id: n.id, op: n.op, type: n.type, inputs: [...n.inputs], attrs, loc: loc(n), scope: '' };
  });
}

/** The checked model as IR: same nodes, spans as `file:line:col`, declarations as plain data. */
export function lower(model: CheckedModel): IrGraph {
  const functions: IrFunction[] = model.functions.map((f) => ({ name: f.name, block: f.block, nodes: lowerNodes(f), result: f.result }));
  const inputNode = (name: string, role: string): number => model.inputs.find((i) => i.name === name && i.role === role)?.node ?? -1;
  const sets = [model.features, ...(model.labels ? [model.labels] : [])];
  return {
    version: irVersion,
    model: model.name,
    features: sets
      .flatMap((set) =>
        set.fields.map((f) => ({
          name: f.name,
          role: set.role,
          kind: f.kind.name,
          args: f.args,
          default: f.default,
          transforms: f.transforms.map((t) => ({ name: t.name, op: t.op, args: t.args })),
          node: inputNode(f.name, set.role),
        })),
      )
      .filter((f) => f.node >= 0),
    functions,
    nodes: lowerNodes(model.main),
    outputs: model.outputs.map((o) => ({ name: o.name, node: o.node })),
    train: model.train
      ? {
          settings: model.train.settings,
          loss: model.train.loss?.node ?? null,
          metrics: model.train.metrics.map((m) => ({ name: m.name, node: m.node })),
        }
      : null,
    signatures: model.signatures.map((s) => ({ name: s.name, version: s.version, inputs: s.inputs, outputs: s.outputs })),
  };
}
