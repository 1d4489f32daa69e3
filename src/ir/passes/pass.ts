import type { IrGraph } from '../ir.js';

export interface PassOptions {
  /** Values for symbolic dimensions (`{ B: 1024 }`), for shape specialization. */
  readonly bindings?: Readonly<Record<string, number>>;
}

/** One named IR-to-IR transformation, in its own file, listed in order in `pipeline.ts`. */
export interface Pass {
  readonly name: string;
  run(graph: IrGraph, options: PassOptions): IrGraph;
}
