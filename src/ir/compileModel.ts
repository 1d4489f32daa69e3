import { diagnostic, note, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { CheckedModel } from '../semantic/checkedModel.js';
import type { IrGraph } from './ir.js';
import { lower } from './lower.js';
import type { PassOptions } from './passes/pass.js';
import { runPipeline } from './passes/pipeline.js';

/** Lowers a checked model and runs the pass pipeline; a verifier finding is an internal error (BIRD5001). */
export function compileModel(model: CheckedModel, options: PassOptions = {}): { graph: IrGraph; diagnostics: Diagnostic[] } {
  const result = runPipeline(lower(model), options);
  const diagnostics = result.problems.map((p) =>
    diagnostic('irInvalid', { pass: p.pass, detail: p.problems.slice(0, 3).join('; ') }, model.module.source, model.decl.name.span, {
      notes: p.problems.length > 3 ? [note('moreProblems', { count: String(p.problems.length - 3) })] : [],
    }),
  );
  return { graph: result.graph, diagnostics };
}
