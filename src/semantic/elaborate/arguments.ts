import type { Suggestion } from '../../diagnostics/diagnostic.js';
import { didYouMean, nameFix } from '../../diagnostics/suggest.js';
import type * as A from '../../syntax/ast.js';
import type { Env } from '../env.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { ArgValue, ElabContext } from './context.js';

/** An argument as written, evaluated; a named one keeps where its name is written. */
export function argValue(cx: ElabContext, a: A.Argument, env: Env): ArgValue {
  const value = cx.eval(a.value, env);
  return a.name ? { name: a.name.name, value, span: a.span, nameSpan: a.name.span } : { name: null, value, span: a.span };
}

/**
 * "did you mean" for a named argument no parameter has: the help, and, when the name's
 * place in the text is known, the fix that rewrites only the name (`bird check --fix`).
 * Undefined when no parameter is close.
 */
export function argumentNameFix(
  a: ArgValue,
  name: string,
  parameters: readonly string[],
  module: ModuleInfo,
): { help: string; suggestions?: Suggestion[] } | undefined {
  if (a.nameSpan) return nameFix(name, parameters, module.source, a.nameSpan);
  const help = didYouMean(name, parameters);
  return help === undefined ? undefined : { help };
}
