import {
  diagnostic,
  diagnosticKey,
  note,
  secondaryLabel,
  type Diagnostic,
  type DiagnosticExtras,
  type SecondaryLabel,
} from '../../diagnostics/diagnostic.js';
import type { CatalogKey, MessageArgs } from '../../diagnostics/catalog.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import type { Env } from '../env.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { ElabFunction, ElabNode, Origin } from '../graph.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { OperandType, PrimitiveTable } from '../primitives.js';
import { describeValue, errorValue, type TensorValue, type Value } from '../values.js';
import { maxGraphNodes, maxNesting, maxValueSize, maxWork, valueSize, WorkBudget } from './limits.js';

/** An argument as written at a call site, evaluated. */
export interface ArgValue {
  readonly name: string | null;
  readonly value: Value;
  readonly span: Span;
  /** Where its name is written (`units` in `units: 8`), for a fix that rewrites only the name; absent for positional and built-in arguments. */
  readonly nameSpan?: Span;
}

/** What a model body does with each `out` statement; blocks have none. */
export type OnOut = (stmt: A.OutStmt, value: Value) => void;

/** A block call being elaborated, for errors raised inside a library block. */
export interface CallSite {
  readonly module: ModuleInfo;
  readonly span: Span;
  readonly block: string;
}

/** A loop or block call running, which a spent budget is blamed on. */
export interface Running {
  readonly what: 'loop' | 'call';
  readonly module: ModuleInfo;
  readonly span: Span;
}

/** Thrown to unwind a body at `return`; caught by the block call. */
export class ReturnSignal {
  constructor(
    readonly value: Value,
    readonly span: Span,
  ) {}
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
  /**
   * Memo keys whose instance failed (its errors already reported): a later call with the
   * same key fails at once instead of running the body again, so a broken block that calls
   * itself twice costs one run per key, not one per call (2^n for a Fibonacci-shaped block).
   */
  readonly failedInstances = new Set<string>();
  /**
   * Name and field references found unknown (reported once): a loop that runs one 100,000
   * times built 100,000 diagnostics with their spelling suggestions before duplicates were
   * dropped, which took seconds.
   */
  readonly unknownReferences = new WeakSet<object>();
  /** The first call of each `shared(...)` name: the parameters its instance makes (see `paramSignature`) and where it was made. */
  readonly sharedCalls = new Map<string, { readonly params: string; readonly module: ModuleInfo; readonly span: Span }>();
  readonly instanceCounts = new Map<string, number>();
  readonly instanceNames = new Map<string, number>();
  /** Loops and block calls running, outermost first. */
  readonly running: Running[] = [];
  readonly budget: WorkBudget;
  /** Each function's node count with its block calls expanded, which the IR's inline pass will make. */
  private readonly expandedSize = new Map<ElabFunction, number>();
  /** Module constants, evaluated once on first use. */
  readonly constValues = new Map<A.ConstDecl, Value>();
  readonly constsInProgress = new Set<A.ConstDecl>();

  constructor(primitives: PrimitiveTable, main: ElabFunction, budget: WorkBudget = new WorkBudget()) {
    this.primitives = primitives;
    this.fn = main;
    this.budget = budget;
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
      this.record(diagnostic(key, args, module.source, at, extras));
      return;
    }
    const inner = this.callStack[this.callStack.length - 1]?.block ?? '';
    const detail = extras.label ? `: ${extras.label}` : '';
    const where = note('raisedInStdlib', { block: inner, module: module.name, location: module.source.locationOf(at), detail });
    this.record(
      diagnostic(key, args, site.module.source, site.span, {
        ...(extras.help === undefined ? {} : { help: extras.help }),
        notes: [where, ...(extras.notes ?? [])],
      }),
    );
  }

  /**
   * Keeps one of each report: a mistake inside nested loops is met once per iteration, and
   * 41 nested `for i in 0..2` loops around a repeated `out` made so many copies (before the
   * work budget stopped them) that passing them on overflowed the stack.
   */
  private record(d: Diagnostic): void {
    const key = diagnosticKey(d);
    if (this.reportedKeys.has(key)) return;
    this.reportedKeys.add(key);
    this.diagnostics.push(d);
  }
  private readonly reportedKeys = new Set<string>();

  /** Reports that a value is not what was expected (unless it is already an error). */
  mismatch(expected: string, found: Value, module: ModuleInfo, at: Span): Value {
    if (found.kind !== 'error')
      this.report('typeMismatch', { expected, found: describeValue(found) }, module, at, { label: `expected ${expected}` });
    return errorValue;
  }

  origin(module: ModuleInfo, span: Span): Origin {
    return { source: module.source, span };
  }

  emit(
    op: string,
    inputs: readonly number[],
    attrs: Readonly<Record<string, AttrValue>>,
    type: OperandType,
    origin: Origin | null,
  ): TensorValue {
    const node: ElabNode = { id: this.fn.nodes.length, op, inputs, attrs, type, origin };
    this.fn.nodes.push(node);
    this.expandedSize.set(this.fn, (this.expandedSize.get(this.fn) ?? 0) + 1);
    return { kind: 'tensor', node: node.id, type };
  }

  /** Counts the body of `instance`, just called, into the current function's expanded size. */
  called(instance: ElabFunction, module: ModuleInfo, at: Span): void {
    const size = (this.expandedSize.get(this.fn) ?? 0) + (this.expandedSize.get(instance) ?? 0);
    this.expandedSize.set(this.fn, size);
    if (size > maxGraphNodes) this.stop('graphSizeLimit', { limit: maxGraphNodes.toLocaleString('en-US') }, module, at, 'this call', true);
  }

  /**
   * Checks the current function's size after a loop iteration: a loop whose body makes
   * nodes grows the graph by them each time, which `called` does not see (54 nested
   * `for i in 0..2` around three nodes made 540,000 of them before the work budget ran
   * out, in two seconds; fuzz seed 5, input 51379).
   */
  grew(module: ModuleInfo, at: Span): void {
    if ((this.expandedSize.get(this.fn) ?? 0) > maxGraphNodes)
      this.stop('graphSizeLimit', { limit: maxGraphNodes.toLocaleString('en-US') }, module, at, 'this loop', true);
  }

  /** Charges `steps` of work; past the budget, reports it on the outermost loop or call running and stops. */
  spend(steps: number, module: ModuleInfo, at: Span): void {
    this.budget.used += steps;
    if (this.budget.used <= maxWork) return;
    const user = this.running.filter((r) => !r.module.name.startsWith('std.'));
    const outer = user[0];
    const inner = user[user.length - 1];
    if (!outer || !inner) this.stop('workLimit', { limit: maxWork.toLocaleString('en-US') }, module, at, 'the budget runs out here', false);
    const secondary: SecondaryLabel[] =
      inner === outer ? [] : [secondaryLabel('innermostRunning', { what: inner.what }, inner.module.source, inner.span)];
    this.budget.exhausted = true;
    this.report('workLimit', { limit: maxWork.toLocaleString('en-US') }, outer.module, outer.span, {
      label: `the budget runs out in this ${outer.what}`,
      secondary,
    });
    this.abort();
  }

  /** A list or string just built: its length is charged as work, and its size may not pass `maxValueSize`. */
  built(v: Value, module: ModuleInfo, at: Span): Value {
    if (v.kind !== 'list' && v.kind !== 'string') return v;
    const size = valueSize(v);
    if (size > maxValueSize)
      this.stop(
        'valueSizeLimit',
        { limit: maxValueSize.toLocaleString('en-US') },
        module,
        at,
        `this builds ${size.toLocaleString('en-US')} elements`,
        true,
      );
    this.spend(v.kind === 'list' ? v.elements.length : v.value.length, module, at);
    return v;
  }

  /** Reports a spent limit at `at`, with the outermost loop or call running as a secondary label, and stops. */
  private stop(
    key: 'workLimit' | 'valueSizeLimit' | 'graphSizeLimit' | 'nestingLimit',
    args: { limit: string },
    module: ModuleInfo,
    at: Span,
    label: string,
    inThis: boolean,
  ): never {
    const outer = this.running.find((r) => !r.module.name.startsWith('std.'));
    const secondary: SecondaryLabel[] =
      outer && inThis && !(outer.module === module && outer.span.start === at.start)
        ? [secondaryLabel('inThisRunning', { what: outer.what }, outer.module.source, outer.span)]
        : [];
    this.budget.exhausted = true;
    this.report(key, args, module, at, { label, secondary });
    this.abort();
  }

  /**
   * Enters a loop or block call, which a spent budget may be blamed on; past `maxNesting`
   * of them inside one another, reports it here, with the outermost, and stops.
   */
  enter(what: Running['what'], module: ModuleInfo, span: Span): void {
    if (this.running.length >= maxNesting)
      this.stop('nestingLimit', { limit: String(maxNesting) }, module, span, `this ${what} is ${maxNesting + 1} deep`, true);
    this.running.push({ what, module, span });
  }

  /** Runs `body` as a loop or call that a spent budget may be blamed on (see `enter`). */
  runningAs<T>(what: Running['what'], module: ModuleInfo, span: Span, body: () => T): T {
    this.enter(what, module, span);
    try {
      return body();
    } finally {
      this.running.pop();
    }
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
