import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { FeatureField } from '../checkedModel.js';
import type { Rule } from './rule.js';

/** The arguments of `vocab` that make its id space; fields sharing a vocabulary must agree on them. */
const idSpaceArgs = ['max', 'oov', 'min_count'] as const;

/**
 * `vocab(..., shared: "name")` fits one vocabulary over every feature of a model that names
 * it, so that their ids mean the same strings (for one embedding table, through
 * `shared(block, "name")`). The fields must agree on the arguments that make the id space,
 * none may list a `vocabulary` of its own (it would not be fitted), and a name that only one
 * feature uses shares nothing: a warning, since a setting Bird accepts must take effect.
 */
export const sharedVocabularies: Rule = {
  name: 'shared-vocabularies',
  check({ models, report }) {
    const seen = new Set<unknown>();
    for (const model of models) {
      const groups = new Map<string, { field: FeatureField; vocab: FeatureField['transforms'][number] }[]>();
      for (const field of model.features.fields) {
        for (const vocab of field.transforms) {
          const shared = vocab.args['shared'];
          if (vocab.op !== 'vocab_lookup' || typeof shared !== 'string') continue;
          groups.set(shared, [...(groups.get(shared) ?? []), { field, vocab }]);
        }
      }
      const module = model.features.module;
      const argSpan = (t: FeatureField['transforms'][number], name: string) =>
        t.decl.args?.find((a) => a.name?.name === name)?.span ?? t.decl.span;
      for (const [shared, members] of groups) {
        const first = members[0]!;
        if (seen.has(first.vocab.decl)) continue;
        seen.add(first.vocab.decl);
        if (members.length === 1) {
          report(
            'textOptionNoEffect',
            {
              name: first.field.name,
              option: 'shared',
              reason: `no other feature of model \`${model.name}\` shares vocabulary \`"${shared}"\``,
            },
            module,
            argSpan(first.vocab, 'shared'),
            { help: `name the same vocabulary in the other feature's \`vocab(..., shared: "${shared}")\`, or remove \`shared\`` },
          );
          continue;
        }
        for (const m of members) {
          if (m.vocab.args['vocabulary'] !== null && m.vocab.args['vocabulary'] !== undefined) {
            report(
              'sharedVocabulary',
              { name: m.field.name, shared, problem: 'lists its own `vocabulary`, so it is not fitted' },
              module,
              argSpan(m.vocab, 'vocabulary'),
              { help: 'remove `vocabulary:`, or remove `shared:` and give each feature its own list' },
            );
            continue;
          }
          if (m === first) continue;
          const differs = idSpaceArgs.find((a) => !sameValue(m.vocab.args[a], first.vocab.args[a]));
          if (differs)
            report(
              'sharedVocabulary',
              {
                name: m.field.name,
                shared,
                problem: `has \`${differs}: ${String(m.vocab.args[differs])}\` where feature \`${first.field.name}\` has \`${differs}: ${String(first.vocab.args[differs])}\``,
              },
              module,
              argSpan(m.vocab, differs),
              {
                secondary: [secondaryLabel('firstGivenHere', {}, module.source, first.vocab.decl.span)],
                help: `features that share a vocabulary have one id space: give each the same \`max\`, \`oov\` and \`min_count\``,
              },
            );
        }
      }
    }
  },
};

function sameValue(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
