import type { CatalogKey, MessageArgs } from '../../diagnostics/catalog.js';
import type { DiagnosticExtras } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type { CheckedModel } from '../checkedModel.js';
import type { LoadedProgram, ModuleInfo } from '../moduleInfo.js';

export interface RuleContext {
  readonly program: LoadedProgram;
  /** The models of the entry module that elaborated without errors. */
  readonly models: readonly CheckedModel[];
  report<K extends CatalogKey>(key: K, args: MessageArgs<K>, module: ModuleInfo, at: Span, extras?: DiagnosticExtras): void;
}

/** One declaration-level check, in its own file, run in the order of `specifiedRules`. */
export interface Rule {
  readonly name: string;
  check(context: RuleContext): void;
}
