import { diagnostic, secondaryLabel, type Diagnostic } from '../diagnostics/diagnostic.js';
import type * as A from '../syntax/ast.js';
import type { ModuleInfo } from './moduleInfo.js';

/**
 * Fills a module's namespaces from its top-level items. Values (blocks, models,
 * constants) share one namespace; `features` and `labels` each have their own, so the
 * brief's `features Flight` and `labels Flight` can share a name.
 */
export function collectDeclarations(module: ModuleInfo): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const firstSeen = new Map<string, A.Identifier>();
  const define = (namespace: string, name: A.Identifier): boolean => {
    const key = `${namespace}:${name.name}`;
    const previous = firstSeen.get(key);
    if (previous) {
      diagnostics.push(
        diagnostic('duplicateDefinition', { name: name.name }, module.source, name.span, {
          label: 'defined again here',
          secondary: [secondaryLabel('firstDefinedHere', {}, module.source, previous.span)],
        }),
      );
      return false;
    }
    firstSeen.set(key, name);
    return true;
  };
  for (const item of module.ast.items) {
    switch (item.kind) {
      case 'BlockDecl':
        if (define('value', item.name)) module.values.set(item.name.name, { kind: 'block', decl: item, module });
        break;
      case 'ModelDecl':
        if (define('value', item.name)) module.values.set(item.name.name, { kind: 'model', decl: item, module });
        break;
      case 'ConstDecl':
        if (define('value', item.name)) module.values.set(item.name.name, { kind: 'const', decl: item, module });
        break;
      case 'FeaturesDecl':
        if (define('features', item.name)) module.features.set(item.name.name, item);
        break;
      case 'LabelsDecl':
        if (define('labels', item.name)) module.labels.set(item.name.name, item);
        break;
      // Signatures may share a name across versions; exact repeats are the `signature-versions` rule's.
      case 'SignatureDecl':
        break;
      case 'TrainDecl':
        define('train', item.model);
        break;
      case 'ImportDecl':
        for (const n of item.names ?? []) define('value', n.alias ?? n.name);
        break;
    }
  }
  return diagnostics;
}
