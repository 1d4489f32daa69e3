import { nameFix } from '../../diagnostics/suggest.js';
import type * as A from '../../syntax/ast.js';
import { compileTimeBuiltins, configConstructors } from '../builtins.js';
import { Env } from '../env.js';
import type { ModuleInfo, ModuleSymbol } from '../moduleInfo.js';
import { errorValue, type Value } from '../values.js';
import type { ElabContext } from './context.js';
import { checkCompileTimeType } from './unify.js';

/** A name's value: a local, a module symbol or import, an op, a builtin, or (in the train section) a constructor. */
export function lookup(cx: ElabContext, name: A.Identifier | A.NameExpr, env: Env): Value {
  const key = name.kind === 'Identifier' ? name.name : name.name;
  const local = env.lookup(key);
  if (local) return local.value;
  const symbol = env.module.values.get(key) ?? env.module.imported.get(key)?.symbol;
  if (symbol) return symbolValue(cx, symbol as ModuleSymbol);
  const schema = cx.primitives.get(key);
  if (schema) return { kind: 'primitive', schema };
  if ((compileTimeBuiltins as readonly string[]).includes(key)) return { kind: 'builtin', name: key };
  if (env.section === 'train' && configConstructors.has(key)) return { kind: 'builtin', name: key };
  // Already reported here (in a loop, or a block called again): the same diagnostic again.
  // A standard-library block's is reported at each user call that led there, so it is kept.
  const user = !env.module.name.startsWith('std.');
  if (user && cx.unknownReferences.has(name)) return errorValue;
  if (user) cx.unknownReferences.add(name);
  const candidates = [
    ...env.names(),
    ...env.module.values.keys(),
    ...env.module.imported.keys(),
    ...cx.primitives.names(),
    ...compileTimeBuiltins,
    ...(env.section === 'train' ? configConstructors.keys() : []),
  ];
  const fix = nameFix(key, candidates, env.module.source, name.span);
  const help = fix?.help ?? importHint(key);
  cx.report('unknownName', { name: key }, env.module, name.span, { label: 'not found', ...(help ? { help } : {}), ...fix });
  return errorValue;
}

function importHint(name: string): string | undefined {
  const stdlib: Readonly<Record<string, string>> = {
    dense: 'nn',
    mlp: 'nn',
    embedding_bag: 'nn',
    sparse_linear: 'nn',
    one_hot: 'nn',
    layer_norm: 'nn',
    dropout: 'nn',
    bce: 'loss',
    mse: 'loss',
    softmax_ce: 'loss',
    auc: 'metric',
    rce: 'metric',
    logloss: 'metric',
    accuracy: 'metric',
  };
  const module = stdlib[name];
  return module ? `import it: \`import std.${module} { ${name} }\`` : undefined;
}

/** The value a module-level name stands for. */
export function symbolValue(cx: ElabContext, symbol: ModuleSymbol | { kind: 'features' | 'labels' }): Value {
  switch (symbol.kind) {
    case 'block':
      return { kind: 'block', decl: symbol.decl, module: symbol.module };
    case 'model':
      return { kind: 'model', decl: symbol.decl, module: symbol.module };
    case 'const':
      return constValue(cx, symbol.decl, symbol.module);
    case 'module':
      return { kind: 'module', module: symbol.target };
    default:
      return errorValue;
  }
}

/** Module constants are evaluated once, on first use, in their own module's scope. */
export function constValue(cx: ElabContext, decl: A.ConstDecl, module: ModuleInfo): Value {
  const cached = cx.constValues.get(decl);
  if (cached) return cached;
  if (cx.constsInProgress.has(decl)) {
    cx.report('unknownName', { name: decl.name.name }, module, decl.name.span, {
      label: 'defined in terms of itself',
      help: 'a constant cannot refer to itself',
    });
    return errorValue;
  }
  cx.constsInProgress.add(decl);
  // Constants are compile-time values; any tensor they would create goes to a scratch function.
  let value = cx.inFunction({ name: 'const', block: 'const', nodes: [], result: -1 }, () => cx.eval(decl.value, new Env(module)));
  if (value.kind === 'tensor') {
    cx.report('notCompileTime', { what: `constant \`${decl.name.name}\`` }, module, decl.value.span);
    value = errorValue;
  } else if (decl.type) {
    value = checkCompileTimeType(cx, value, decl.type, module, decl.value.span);
  }
  cx.constsInProgress.delete(decl);
  cx.constValues.set(decl, value);
  return value;
}
