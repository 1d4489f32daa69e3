import { diagnostic, type Diagnostic, type DiagnosticExtras } from '../../diagnostics/diagnostic.js';
import type { CatalogKey, MessageArgs } from '../../diagnostics/catalog.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import type { Env } from '../env.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { ElabFunction, ElabNode, Origin } from '../graph.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { OperandType, PrimitiveTable } from '../primitives.js';
import { describeValue, errorValue, type TensorValue, type Value } from '../values.js';

/** An argument as written at a call site, evaluated. */
export interface ArgValue {
  readonly name: string | null;
  readonly value: Value;
  readonly span: Span;
}

/** What a model body does with each `out` statement; blocks have none. */
export type OnOut = (stmt: A.OutStmt, value: Value) => void;

/** A block call being elaborated, for errors raised inside a library block. */
export interface CallSite {
  readonly module: ModuleInfo;
  readonly span: Span;
  readonly block: string;
}

/** Thrown to unwind a body at `return`; caught by the block call. */
export class ReturnSignal {
  constructor(readonly value: Value, readonly span: Span) {}
}

/** Thrown when a limit is hit; the diagnostic is already recorded. */
export class AbortElaboration {}

/**
 * The state of one elaboration and what every part of it shares: reporting (with errors
 * inside the standard library moved to the user's call), emitting nodes into the function
 * being built, and the two entry points the parts call back into (expressions and
 * statements), which `Elaborator` supplies so the parts need not import each other in a
 * circle.
 */
export abstract class ElabContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Block instances made so far, in the order they were finished. */
  readonly functions: ElabFunction[] = [];
  readonly usedFeatures = new Set<string>();
  readonly primitives: PrimitiveTable;
  /** The function nodes go into: the model body, a block instance, or a scratch function. */
  fn: ElabFunction;
  /** Nesting of block calls, checked against `maxCallDepth`. */
  depth = 0;
  /** The variable being assigned, which names a `param` created in its value. */
  assignTarget: string | null = null;
  /** Block call sites being elaborated, outermost first. */
  readonly callStack: CallSite[] = [];
  /** Block instances by memo key (see `blockCalls.ts`), and counters for their names. */
  readonly instances = new Map<string, ElabFunction>();
  readonly instanceCounts = new Map<string, number>();
  readonly instanceNames = new Map<string, number>();
  /** Module constants, evaluated once on first use. */
  readonly constValues = new Map<A.ConstDecl, Value>();
  readonly constsInProgress = new Set<A.ConstDecl>();

  constructor(primitives: PrimitiveTable, main: ElabFunction) {
    this.primitives = primitives;
    this.fn = main;
  }

  /** Evaluates an expression to a compile-time value or a tensor node. */
  abstract eval(expr: A.Expr, env: Env): Value;

  /** Runs a body's statements; `onOut` receives a model body's outputs. */
  abstract execBody(body: A.Body, env: Env, onOut?: OnOut): void;

  /**
   * Records a diagnostic. One raised inside a standard-library block is moved to the
   * user's call that led there, with a note saying where in the library it arose.
   */
  report<K extends CatalogKey>(key: K, args: MessageArgs<K>, module: ModuleInfo, at: Span, extras: DiagnosticExtras = {}): void {
    const site = module.name.startsWith('std.') ? this.callStack.find((f) => !f.module.name.startsWith('std.')) : undefined;
    if (!site) {
      this.diagnostics.push(diagnostic(key, args, module.source, at, extras));
      return;
    }
    const inner = this.callStack[this.callStack.length - 1]?.block ?? '';
    const detail = extras.label ? `: ${extras.label}` : '';
    const note = `in block \`${inner}\` of \`${module.name}\`, at ${module.source.locationOf(at)}${detail}`;
    this.diagnostics.push(
      diagnostic(key, args, site.module.source, site.span, {
        ...(extras.help === undefined ? {} : { help: extras.help }),
        notes: [note, ...(extras.notes ?? [])],
      }),
    );
  }

  /** Reports that a value is not what was expected (unless it is already an error). */
  mismatch(expected: string, found: Value, module: ModuleInfo, at: Span): Value {
    if (found.kind !== 'error') this.report('typeMismatch', { expected, found: describeValue(found) }, module, at, { label: `expected ${expected}` });
    return errorValue;
  }

  origin(module: ModuleInfo, span: Span): Origin {
    return { source: module.source, span };
  }

  emit(op: string, inputs: readonly number[], attrs: Readonly<Record<string, AttrValue>>, type: OperandType, origin: Origin | null): TensorValue {
    const node: ElabNode = { id: this.fn.nodes.length, op, inputs, attrs, type, origin };
    this.fn.nodes.push(node);
    return { kind: 'tensor', node: node.id, type };
  }

  /** Runs `body` with nodes going into `fn`, then returns to the current function. */
  inFunction<T>(fn: ElabFunction, body: () => T): T {
    const saved = this.fn;
    this.fn = fn;
    try {
      return body();
    } finally {
      this.fn = saved;
    }
  }

  /** Runs `body` with `name` as the assignment target (null: none). */
  withTarget<T>(name: string | null, body: () => T): T {
    const saved = this.assignTarget;
    this.assignTarget = name;
    try {
      return body();
    } finally {
      this.assignTarget = saved;
    }
  }

  /** Stops elaborating this model; the reason is already reported. */
  abort(): never {
    throw new AbortElaboration();
  }

  static isAbort(e: unknown): boolean {
    return e instanceof AbortElaboration;
  }
}
