import { syntaxCodes } from './catalog/syntax.js';
import { namesCodes } from './catalog/names.js';
import { typesCodes } from './catalog/types.js';
import { shapesCodes } from './catalog/shapes.js';
import { irCodes } from './catalog/ir.js';
import { artifactsCodes } from './catalog/artifacts.js';
import { dataCodes } from './catalog/data.js';
import { servingCodes } from './catalog/serving.js';
import { internalCodes } from './catalog/internal.js';

/**
 * Every diagnostic Bird can report: the code, the severity, the message template and the
 * help. Codes are grouped by stage, a file each under `catalog/`: 1xxx syntax, 2xxx names,
 * 3xxx types, 4xxx shapes, 5xxx IR, 6xxx backends and export, 7xxx data and training,
 * 8xxx serving (`bird serve`, 8100-8149), 9xxx internal. This file joins them into the one
 * table the builders index.
 * Templates name their parameters in braces; `Diagnostic` builders are typed from them,
 * so a missing argument is a compile error. A test checks each code is unique and used.
 */
export type { CatalogEntry } from './catalog/catalogEntry.js';

export const catalog = {
  ...syntaxCodes,
  ...namesCodes,
  ...typesCodes,
  ...shapesCodes,
  ...irCodes,
  ...artifactsCodes,
  ...dataCodes,
  ...servingCodes,
  ...internalCodes,
} as const;

export type CatalogKey = keyof typeof catalog;

/**
 * The texts drawn under a diagnostic's secondary spans, by name, with the same named
 * parameters as the messages: every word Bird prints about a span is listed here.
 */
export const labelCatalog = {
  firstDefinedHere: 'first defined here',
  firstDeclaredHere: 'first declared here',
  firstGivenHere: 'first given here',
  firstRateDeclaredHere: 'first rate declared here',
  firstOperatorHere: 'first operator here',
  declaredHere: 'declared here',
  labelKindDeclaredHere: 'declared {kind} here',
  unclosedOpener: 'unclosed {open}',
  innermostRunning: 'the innermost {what} running',
  inThisRunning: 'in this {what}',
  splitsByRowNumber: '`{argument}` splits by row number',
  /** An operand, named by its type or value, beside the operand the primary span marks. */
  operandIs: '{what}',
  theFirstModel: 'the first model',
  probabilityMadeHere: 'the probability is made here',
  firstCalledHere: 'first called here',
} as const satisfies Record<string, string>;

/** The notes a diagnostic adds below its code frame, by name, with named parameters. */
export const noteCatalog = {
  raisedInStdlib: 'in block `{block}` of `{module}`, at {location}{detail}',
  /** The op's own explanation of why the shapes do not fit (from its shape rule). */
  shapeRule: '{reason}',
  moreProblems: 'and {count} more',
  /** Where in the IR (its `file:line:col` note) a step failed. */
  atIrNode: 'at {location}',
  badRowLimit: 'more than {max} bad rows: `bad_data = skip(max: {max})` allows no more',
  featureReadsColumn: 'feature `{feature}` reads this column',
  headerNames: 'the header names: {names}',
  runTrainedModel: '`{run}` trained model `{model}`',
  setOnCommandLine: 'this value was set on the command line: `--set {set}`',
  /** The last lines a failed PyTorch rank wrote on its standard error. */
  rankStderr: 'its standard error ends with:\n{stderr}',
} as const satisfies Record<string, string>;

export type LabelKey = keyof typeof labelCatalog;
export type NoteKey = keyof typeof noteCatalog;

// A placeholder is `{name}` with a lowercase first letter, so `\u{1F426}` in a help is text.
type IsName<P extends string> = P extends `${infer F}${string}`
  ? F extends Lowercase<F>
    ? F extends Uppercase<F>
      ? never
      : P
    : never
  : never;
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? IsName<P> | Placeholders<Rest> : never;

/** The arguments a template needs, by name. */
export type TemplateArgs<S extends string> = { [P in Placeholders<S>]: string };

/** The arguments a catalog entry's message and help need, by name. */
export type MessageArgs<K extends CatalogKey> = {
  [
    P in Placeholders<(typeof catalog)[K]['message']> | Placeholders<(typeof catalog)[K] extends { help: infer H extends string } ? H : ''>
  ]: string;
};

export function formatTemplate(template: string, args: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]\w*)\}/g, (whole, name: string) => args[name] ?? whole);
}
