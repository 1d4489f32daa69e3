import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type * as A from '../../syntax/ast.js';
import type { Rule } from './rule.js';

const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Signature versions are valid semver 2.0, and no name and version is declared twice. */
export const signatureVersions: Rule = {
  name: 'signature-versions',
  check({ program, report }) {
    const module = program.entry;
    const seen = new Map<string, A.SignatureDecl>();
    for (const item of module.ast.items) {
      if (item.kind !== 'SignatureDecl') continue;
      if (!semver.test(item.version.text)) {
        report('invalidSemver', { version: item.version.text }, module, item.version.span);
        continue;
      }
      const key = `${item.name.name}@${item.version.text}`;
      const previous = seen.get(key);
      if (previous) {
        report('duplicateSignatureVersion', { name: item.name.name, version: item.version.text }, module, item.version.span, {
          secondary: [secondaryLabel('firstDeclaredHere', {}, module.source, previous.version.span)],
        });
      }
      seen.set(key, item);
    }
  },
};
