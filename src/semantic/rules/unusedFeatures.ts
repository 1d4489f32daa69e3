import type { Rule } from './rule.js';

/** A feature the model never reads is a warning: it costs data loading and serving bandwidth. */
export const unusedFeatures: Rule = {
  name: 'unused-features',
  check({ models, report }) {
    for (const model of models) {
      for (const f of model.features.fields) {
        if (model.usedFeatures.has(f.name)) continue;
        report('unusedFeature', { name: f.name, model: model.name, set: model.features.name }, model.features.module, f.decl.name.span);
      }
    }
  },
};
