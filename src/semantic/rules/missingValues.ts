import type { Rule } from './rule.js';

/** Transforms that keep a missing value (NaN) missing, in the data stage and in ONNX alike, so they may come before `impute`. */
const keepsMissing: ReadonlySet<string> = new Set(['log1p', 'zscore']);

/** The kinds whose missing value is a missing number, which `impute` can fill. */
const imputedKinds: ReadonlySet<string> = new Set(['continuous', 'binary']);

/**
 * `impute` fills the missing values of a number feature, so a missing value must reach it
 * missing: the field declares no default, the transforms before it keep NaN as NaN
 * (`log1p`, `zscore`; `clip` and `bucketize` would give it a value, and not the same one in
 * every backend), it appears once, and with `indicator: true` (two columns) it is last.
 */
export const missingValues: Rule = {
  name: 'missing-values',
  check({ models, report }) {
    const seen = new Set<unknown>();
    for (const model of models) {
      for (const field of model.features.fields) {
        if (seen.has(field.decl)) continue;
        seen.add(field.decl);
        const at = field.transforms.findIndex((t) => t.op === 'impute');
        if (at < 0) continue;
        const impute = field.transforms[at]!;
        const module = model.features.module;
        if (!imputedKinds.has(field.kind.name)) {
          report(
            'imputePlacement',
            { name: field.name, problem: `needs a \`continuous\` or \`binary\` feature, not \`${field.kind.name}\`` },
            module,
            impute.decl.span,
            {
              help: 'a missing value of other kinds takes the declared default (`= value`); a missing string reads as `""`, id 0 after `hash` or `vocab`',
            },
          );
          continue;
        }
        if (field.decl.default) {
          report('imputeWithDefault', { name: field.name }, module, field.decl.default.span, {
            label: 'a missing value already becomes this',
            help: `remove the default so that \`impute\` fills the missing values, or remove \`impute\``,
          });
          continue;
        }
        const before = field.transforms.slice(0, at).find((t) => !keepsMissing.has(t.op));
        if (before) {
          report(
            'imputePlacement',
            { name: field.name, problem: `comes after \`${before.name}\`, which does not keep a missing value missing` },
            module,
            impute.decl.span,
            {
              help: `move \`impute\` before \`${before.name}\`; only \`log1p\` and \`zscore\` may come before it`,
            },
          );
          continue;
        }
        const again = field.transforms.slice(at + 1).find((t) => t.op === 'impute');
        if (again) {
          report('imputePlacement', { name: field.name, problem: 'is applied twice' }, module, again.decl.span, {
            help: 'after the first `impute` nothing is missing',
          });
          continue;
        }
        const after = field.transforms[at + 1];
        if (impute.args['indicator'] === true && after) {
          report(
            'imputePlacement',
            { name: field.name, problem: 'with `indicator: true` must be the last transform' },
            module,
            after.decl.span,
            {
              label: 'this would see two columns, the value and the indicator',
              help: `move \`${after.name}\` before \`impute\``,
            },
          );
        }
      }
    }
  },
};
