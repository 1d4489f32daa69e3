import type { IrGraph } from '../ir.js';
import { verifyIr } from '../verify.js';
import { constantFoldPass } from './constantFold.js';
import { csePass } from './cse.js';
import { deadCodePass } from './dce.js';
import { downsampleCorrectionPass } from './downsampleCorrection.js';
import { inlinePass } from './inline.js';
import type { Pass, PassOptions } from './pass.js';
import { specializeShapesPass } from './specializeShapes.js';

/** The IR passes, in the order they run. */
export const passes: readonly Pass[] = [
  inlinePass,
  downsampleCorrectionPass,
  constantFoldPass,
  csePass,
  deadCodePass,
  specializeShapesPass,
];

export interface PipelineResult {
  readonly graph: IrGraph;
  /** Verifier findings, by the pass after which they appeared; empty when all is well. */
  readonly problems: readonly { readonly pass: string; readonly problems: readonly string[] }[];
}

/** Runs every pass, verifying the graph before the first and after each. */
export function runPipeline(graph: IrGraph, options: PassOptions = {}): PipelineResult {
  const problems: { pass: string; problems: string[] }[] = [];
  const initial = verifyIr(graph);
  if (initial.length > 0) return { graph, problems: [{ pass: 'lower', problems: initial }] };
  let current = graph;
  for (const pass of passes) {
    current = pass.run(current, options);
    const found = verifyIr(current, { inlined: true });
    if (found.length > 0) {
      problems.push({ pass: pass.name, problems: found });
      break;
    }
  }
  return { graph: current, problems };
}
