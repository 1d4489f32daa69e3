import { hasErrors } from '../diagnostics/diagnostic.js';
import { compileModel } from '../ir/compileModel.js';
import type { IrGraph } from '../ir/ir.js';
import { checkSource } from './checkSource.js';
import { readSources } from './readSources.js';
import { failed, type Result } from './result.js';
import { selectModel } from './selectModel.js';

/**
 * A `.bird` file's trainable model (the one named, else the first), compiled and not yet
 * fitted, or the file's diagnostics: what `bird fit` counts statistics for and `bird encode
 * MODEL.bird --fitted` applies them to.
 */
export function compiledModel(file: string, model?: string): Result<IrGraph> {
  const [source] = readSources([file]);
  const checked = checkSource(source!);
  if (hasErrors(checked.diagnostics)) return failed(checked.diagnostics);
  const selected = selectModel(source!, checked.models, model, 'trainable');
  if (!selected.value) return failed(selected.diagnostics, checked.diagnostics);
  const compiled = compileModel(selected.value);
  if (hasErrors(compiled.diagnostics)) return failed(compiled.diagnostics, checked.diagnostics);
  return { value: compiled.graph, diagnostics: checked.diagnostics };
}
