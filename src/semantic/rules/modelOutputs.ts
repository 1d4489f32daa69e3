import type { Rule } from './rule.js';

/** A model produces at least one output. */
export const modelOutputs: Rule = {
  name: 'model-outputs',
  check({ models, report }) {
    for (const model of models) {
      if (model.outputs.length === 0) report('noOutputs', { name: model.name }, model.module, model.decl.name.span);
    }
  },
};
