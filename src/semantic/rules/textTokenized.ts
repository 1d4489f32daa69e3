import type { Rule } from './rule.js';

/**
 * A `text` feature goes through `tokens(...)` before `hash` or `vocab`: without it the
 * whole text (a review, a tweet) becomes one id, which almost never repeats, so the model
 * learns nothing from it. Reported once per field, as a warning at the transform.
 */
export const textTokenized: Rule = {
  name: 'text-tokenized',
  check({ models, report }) {
    const seen = new Set<unknown>();
    for (const model of models) {
      for (const field of model.features.fields) {
        if (field.kind.name !== 'text' || seen.has(field.decl)) continue;
        seen.add(field.decl);
        const first = field.transforms.find((t) => t.name === 'tokens' || t.name === 'hash' || t.name === 'vocab');
        if (!first || first.name === 'tokens') continue;
        report('textNotTokenized', { name: field.name, transform: first.name }, model.features.module, first.decl.span, {
          help: `split it into tokens first: \`${field.name} : text |> tokens(max: 64) |> ${first.name}(...)\`, or declare it \`string\` if the whole value is a category`,
        });
      }
    }
  },
};
