import { tensor } from '../../tensor/types.js';
import type { IrNode } from '../ir.js';
import type { Pass } from './pass.js';
import { remapReferences } from './renumber.js';
import { neededNodes } from '../../tensor/neededNodes.js';

/**
 * A label declared `binary(downsample_neg: r)` trains on a fraction `r` of its negative
 * rows, so a prediction `p` learned against it overstates the positive rate. Every
 * prediction the loss compares with such a label (`binary_cross_entropy(p, label)`) gets a
 * corrected twin, `p / (p + (1 - p) / r)`, right after it; the model's outputs, metrics
 * and everything else outside the loss read the twin, the loss keeps reading `p`. The
 * backends and the export then serve calibrated probabilities without knowing about it.
 * Logits the loss compares with the label (`sigmoid_cross_entropy(z, label)`) get the same
 * correction in logit form, `z + log(r)` (the odds times `r`), so `sigmoid` of the twin is
 * the corrected probability and an exported logit is the corrected logit.
 */
export const downsampleCorrectionPass: Pass = {
  name: 'downsample-correction',
  run(graph) {
    const rates = new Map<number, number>();
    for (const f of graph.features) {
      const r = f.args['downsample_neg'];
      if (f.role === 'label' && f.kind === 'binary' && typeof r === 'number' && r > 0 && r < 1) rates.set(f.node, r);
    }
    if (rates.size === 0 || !graph.train) return graph;
    const loss = graph.train.loss === null ? new Set<number>() : neededNodes(graph.nodes, [graph.train.loss]);
    // Only the loss's comparisons: a metric's `binary_cross_entropy` (logloss) reads the
    // corrected prediction, which must not be corrected again.
    const corrected = new Map<number, { rate: number; logit: boolean }>();
    for (const n of graph.nodes) {
      if (!loss.has(n.id)) continue;
      const logit = n.op === 'sigmoid_cross_entropy';
      const rate = n.op === 'binary_cross_entropy' || logit ? rates.get(n.inputs[1]!) : undefined;
      if (rate !== undefined && !corrected.has(n.inputs[0]!)) corrected.set(n.inputs[0]!, { rate, logit });
    }
    if (corrected.size === 0) return graph;
    const nodes: IrNode[] = [];
    const newId = new Map<number, number>();
    const twin = new Map<number, number>();
    const add = (n: Omit<IrNode, 'id'>): number => {
      nodes.push({ ...n, id: nodes.length });
      return nodes.length - 1;
    };
    for (const n of graph.nodes) {
      const inputs = n.inputs.map((i) => (!loss.has(n.id) && twin.has(i) ? twin.get(i)! : newId.get(i)!));
      const p = add({ ...n, inputs });
      newId.set(n.id, p);
      const correction = corrected.get(n.id);
      if (correction === undefined) continue;
      const { rate, logit } = correction;
      const at = { loc: n.loc, scope: n.scope, attrs: {} };
      const scalar = (value: number): number => add({ ...at, op: 'const', type: tensor('f32', []), inputs: [], attrs: { value } });
      if (logit) {
        twin.set(n.id, add({ ...at, op: 'add', type: n.type, inputs: [p, scalar(Math.log(rate))] }));
        continue;
      }
      const negative = add({ ...at, op: 'sub', type: n.type, inputs: [scalar(1), p] });
      const scaled = add({ ...at, op: 'div', type: n.type, inputs: [negative, scalar(rate)] });
      const total = add({ ...at, op: 'add', type: n.type, inputs: [p, scaled] });
      twin.set(n.id, add({ ...at, op: 'div', type: n.type, inputs: [p, total] }));
    }
    const remapped = remapReferences({ ...graph, nodes }, (id) => newId.get(id) ?? -1);
    return { ...remapped, outputs: graph.outputs.map((o) => ({ ...o, node: twin.get(o.node) ?? newId.get(o.node)! })) };
  },
};
