import { nameFix } from '../../diagnostics/suggest.js';
import type * as A from '../../syntax/ast.js';
import type { Rule } from './rule.js';

/** `train M` and `signature s @ v for M` name a model of this file; without `for`, the file has one. */
export const trainAndSignatureTargets: Rule = {
  name: 'train-and-signature-targets',
  check({ program, report }) {
    const module = program.entry;
    const models = module.ast.items.filter((i): i is A.ModelDecl => i.kind === 'ModelDecl').map((m) => m.name.name);
    for (const item of module.ast.items) {
      const target = item.kind === 'TrainDecl' ? item.model : item.kind === 'SignatureDecl' ? item.model : null;
      if (target && !models.includes(target.name)) {
        const fix = nameFix(target.name, models, module.source, target.span);
        const help =
          fix?.help ??
          (models.length > 0 ? `models in this file: ${models.map((m) => `\`${m}\``).join(', ')}` : 'this file declares no model');
        report('unknownModel', { name: target.name }, module, target.span, { ...fix, help });
      }
      if (item.kind === 'SignatureDecl' && item.model === null && models.length !== 1) {
        report('ambiguousSignature', { name: item.name.name, version: item.version.text }, module, item.name.span);
      }
    }
  },
};
