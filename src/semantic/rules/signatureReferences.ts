import { didYouMean, nameFix } from '../../diagnostics/suggest.js';
import type { Rule } from './rule.js';

/** Every input a signature names is a feature of the model, and every output one of its `out`s. */
export const signatureReferences: Rule = {
  name: 'signature-references',
  check({ models, report }) {
    for (const model of models) {
      const features = model.features.fields.map((f) => f.name);
      const outputs = model.outputs.map((o) => o.name);
      for (const sig of model.signatures) {
        const items = sig.decl.entries.flatMap((e) => e.items.map((item) => ({ item, direction: e.direction })));
        for (const { item, direction } of items) {
          const v = item.value;
          const name = v.kind === 'NameExpr' ? v.name : v.kind === 'MemberExpr' ? v.member.name : null;
          const param = model.decl.params.find((p) => p.type.name.name === model.features.name)?.name.name;
          if (direction === 'inputs') {
            const whole = v.kind === 'NameExpr' && v.name === param;
            const field = v.kind === 'MemberExpr' && v.object.kind === 'NameExpr' && v.object.name === param ? v.member.name : null;
            if (whole || (field !== null && features.includes(field))) continue;
            const wanted = field ?? name ?? '?';
            const at = v.kind === 'MemberExpr' ? v.member.span : v.kind === 'NameExpr' ? v.span : undefined;
            const fix = at && nameFix(wanted, field !== null ? features : [param ?? '', ...features], model.module.source, at);
            const help =
              fix?.help ??
              didYouMean(wanted, field !== null ? features : [param ?? '', ...features]) ??
              `inputs are \`${param ?? 'f'}\` (all features) or its fields, as in \`${param ?? 'f'}.${features[0] ?? 'x'}\``;
            report('unknownSignatureItem', { signature: sig.name, direction: 'input', name: wanted }, model.module, v.span, {
              ...fix,
              help,
            });
          } else if (name === null || v.kind !== 'NameExpr' || !outputs.includes(name)) {
            const fix = v.kind === 'NameExpr' ? nameFix(v.name, outputs, model.module.source, v.span) : undefined;
            const help =
              fix?.help ??
              didYouMean(name ?? '', outputs) ??
              `the outputs of \`${model.name}\` are ${outputs.map((o) => `\`${o}\``).join(', ') || 'none'}`;
            report('unknownSignatureItem', { signature: sig.name, direction: 'output', name: name ?? '?' }, model.module, v.span, {
              ...fix,
              help,
            });
          }
        }
      }
    }
  },
};
