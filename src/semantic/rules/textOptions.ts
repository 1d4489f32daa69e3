import type { Span } from '../../source/span.js';
import type { Rule } from './rule.js';

/** One word of the tokenizer, as `tokens` splits text (with NFKC, marks belong to words). */
const word = /^[\p{L}\p{N}_#@']+$/u;
const wordWithMarks = /^[\p{L}\p{M}\p{N}_#@']+$/u;

/**
 * Options of `tokens(...)` that are accepted but could not change a single token: a
 * stopword that the tokenizer never produces (two words, punctuation, capitals while it
 * lowercases) and n-grams longer than the words kept. Each is a warning at the argument,
 * since a setting Bird accepts must take effect.
 */
export const textOptions: Rule = {
  name: 'text-options',
  check({ models, report }) {
    const seen = new Set<unknown>();
    for (const model of models) {
      for (const field of model.features.fields) {
        if (seen.has(field.decl)) continue;
        seen.add(field.decl);
        const at = field.transforms.findIndex((t) => t.op === 'term_weight');
        if (at >= 0) {
          const weigh = field.transforms[at]!;
          const [tok, ids] = [field.transforms[at - 2], field.transforms[at - 1]];
          const problem =
            tok?.op !== 'tokenize' || (ids?.op !== 'hash_bucket' && ids?.op !== 'vocab_lookup')
              ? 'needs the ids of `tokens(...)` right before it, through `hash` or `vocab`'
              : at < field.transforms.length - 1
                ? 'must be the last transform'
                : null;
          if (problem)
            report('termWeightPlacement', { name: field.name, problem }, model.features.module, weigh.decl.span, {
              help: `write \`${field.name} : text |> tokens(max: 64) |> hash(bits: 18) |> term_weight(...)\``,
            });
        }
        for (const t of field.transforms) {
          if (t.op !== 'tokenize') continue;
          const module = model.features.module;
          const argSpan = (name: string): Span => t.decl.args?.find((a) => a.name?.name === name)?.span ?? t.decl.span;
          const stopwords = t.args['stopwords'];
          const lower = t.args['lower'] !== false;
          const pattern = t.args['normalize'] === 'nfkc' ? wordWithMarks : word;
          if (Array.isArray(stopwords)) {
            const never = stopwords.map(String).find((w) => !pattern.test(w) || (lower && w !== w.toLowerCase()));
            if (never !== undefined)
              report(
                'textOptionNoEffect',
                {
                  name: field.name,
                  option: 'stopwords',
                  reason: `the tokenizer never gives the word \`${JSON.stringify(never)}\``,
                },
                module,
                argSpan('stopwords'),
                {
                  help: pattern.test(never)
                    ? 'tokens are lowercased: write the stopword in lowercase, or add `lower: false`'
                    : "a token is one run of letters, digits and `_ # @ '`; list its words one by one",
                },
              );
          }
          const max = Number(t.args['max']);
          const ngrams = Number(t.args['ngrams'] ?? 1);
          if (ngrams > max)
            report(
              'textOptionNoEffect',
              { name: field.name, option: 'ngrams', reason: `no ${ngrams}-gram fits in the ${max} word(s) kept` },
              module,
              argSpan('ngrams'),
              { help: `keep more words (\`max: ${ngrams}\` or more) or ask for \`ngrams: ${max}\`` },
            );
        }
      }
    }
  },
};
