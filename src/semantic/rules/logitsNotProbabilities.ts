import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { ElabFunction, ElabNode } from '../graph.js';
import type { Rule } from './rule.js';

/** The standard losses that take logits, and the ops whose output is a probability instead. */
const logitLosses: ReadonlySet<string> = new Set(['bce_with_logits', 'softmax_ce']);
const squashing: ReadonlySet<string> = new Set(['sigmoid', 'softmax']);

/**
 * A loss on logits given a probability (`bce_with_logits(sigmoid(z), y)`) squashes twice:
 * it trains, but towards the wrong optimum and with vanishing gradients, and nothing fails.
 * Found in the elaborated graph, so a probability made inside a block is found too.
 */
export const logitsNotProbabilities: Rule = {
  name: 'logits-not-probabilities',
  check({ models, report }) {
    for (const model of models) {
      if (!model.train) continue;
      const byName = new Map(model.functions.map((f) => [f.name, f]));
      for (const n of model.main.nodes) {
        if (n.op !== 'call') continue;
        const callee = byName.get(String(n.attrs['fn']));
        if (!callee || !logitLosses.has(callee.block) || !n.origin || n.inputs.length === 0) continue;
        const made = producer(byName, model.main, n.inputs[0]!);
        if (!made?.origin || !squashing.has(made.op)) continue;
        report('logitsLossGivenProbability', { loss: callee.block, op: made.op }, model.module, n.origin.span, {
          label: 'given a probability',
          secondary: [secondaryLabel('probabilityMadeHere', {}, made.origin.source, made.origin.span)],
        });
      }
    }
  },
};

/** The node that computes value `id` of `fn`, looking through block calls to what they return. */
function producer(byName: ReadonlyMap<string, ElabFunction>, fn: ElabFunction, id: number): ElabNode | undefined {
  let f = fn;
  let node = f.nodes[id];
  for (let depth = 0; node?.op === 'call' && depth < 64; depth++) {
    const inner = byName.get(String(node.attrs['fn']));
    if (!inner) return undefined;
    f = inner;
    node = f.nodes[f.result];
  }
  return node;
}
