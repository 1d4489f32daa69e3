import { featuresNeeded } from '../featuresNeeded.js';
import type { Rule } from './rule.js';

/**
 * Every feature a signature's outputs read is among its inputs: a signature may take a
 * subset of the features (a user tower's `inputs f.user`), but not fewer than its outputs
 * need, or the export could not feed them.
 */
export const signatureInputsCoverOutputs: Rule = {
  name: 'signature-inputs-cover-outputs',
  check({ models, report }) {
    for (const model of models) {
      const param = model.decl.params.find((p) => p.type.name.name === model.features.name)?.name.name ?? 'f';
      const order = model.features.fields.map((f) => f.name);
      for (const sig of model.signatures) {
        const given = new Set(sig.inputs.map((i) => i.name));
        const outputItems = sig.decl.entries.filter((e) => e.direction === 'outputs').flatMap((e) => e.items);
        for (const item of outputItems) {
          if (item.value.kind !== 'NameExpr') continue;
          const name = item.value.name;
          const output = model.outputs.find((o) => o.name === name);
          if (!output) continue; // an unknown output is `signatureReferences`' to report
          const needed = featuresNeeded(model.main, model.functions, [output.node]);
          const missing = order.filter((f) => needed.has(f) && !given.has(f));
          if (missing.length === 0) continue;
          const features = `${missing.length === 1 ? 'feature' : 'features'} ${andList(missing.map((f) => `\`${f}\``))}`;
          report('signatureMissingInput', { signature: sig.name, output: name, features }, model.module, item.value.span, {
            label: '',
            help: `add ${andList(missing.map((f) => `\`${param}.${f}\``))} to \`inputs\`, or write \`inputs ${param}\` for every feature`,
          });
        }
      }
    }
  },
};

/** `a`, `a and b`, `a, b and c`. */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}
