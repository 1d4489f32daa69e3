import { diagnostic, type Diagnostic, type DiagnosticExtras, type Label } from '../diagnostics/diagnostic.js';
import type { CatalogKey, MessageArgs } from '../diagnostics/catalog.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Span } from '../source/span.js';
import type * as A from '../syntax/ast.js';
import { printExpr } from '../syntax/printer.js';
import { compileTimeBuiltins, configConstructors } from './builtins.js';
import type { FeatureField, FeatureSet } from './checkedModel.js';
import { Env } from './env.js';
import { featureKinds, transformOps } from './featureKinds.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { ElabFunction, ElabNode, Origin } from './graph.js';
import type { ModuleInfo, ModuleSymbol } from './moduleInfo.js';
import type { OperandType, PrimitiveParam, PrimitiveTable } from './primitives.js';
import { dtypes, formatType, tensor, type DType, type Dim, type TensorType } from '../tensor/types.js';
import { describeValue, errorValue, toAttr, type TensorValue, type Value } from './values.js';

/** Nesting of block calls beyond this is taken for runaway recursion. */
export const maxCallDepth = 64;
/** A compile-time loop longer than this is taken for a mistake. */
export const maxLoopIterations = 100_000;

/** An argument as written at a call site, evaluated. */
interface ArgValue {
  readonly name: string | null;
  readonly value: Value;
  readonly span: Span;
}

/** Thrown to unwind a body at `return`; caught by the block call. */
class ReturnSignal {
  constructor(readonly value: Value, readonly span: Span) {}
}

/** Thrown when a limit is hit; the diagnostic is already recorded. */
class AbortElaboration {}

type BinaryOp = A.BinaryOperator;

const tensorBinaryOps: Readonly<Partial<Record<BinaryOp, string>>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '^': 'pow',
  '@': 'matmul',
  '==': 'equal',
  '!=': 'not_equal',
  '<': 'less',
  '<=': 'less_equal',
  '>': 'greater',
  '>=': 'greater_equal',
  and: 'logical_and',
  or: 'logical_or',
};

/**
 * The compile-time interpreter. It runs model and block bodies with real numbers, lists
 * and booleans, so loops, conditions and list arithmetic are gone afterwards, and emits a
 * typed node for every tensor operation. Each block call with a tensor result becomes an
 * instance function (memoized by its compile-time arguments and input types) and a `call`
 * node, which the IR's inline pass later expands.
 */
export class Elaborator {
  readonly diagnostics: Diagnostic[] = [];
  readonly functions: ElabFunction[] = [];
  private readonly instances = new Map<string, ElabFunction>();
  private readonly instanceCounts = new Map<string, number>();
  private readonly instanceNames = new Map<string, number>();
  private fn: ElabFunction;
  private readonly primitives: PrimitiveTable;
  private depth = 0;
  private assignTarget: string | null = null;
  /** Block call sites being elaborated, outermost first, for errors raised inside a library block. */
  private readonly callStack: { readonly module: ModuleInfo; readonly span: Span; readonly block: string }[] = [];
  readonly usedFeatures = new Set<string>();
  private readonly constValues = new Map<A.ConstDecl, Value>();
  private readonly constsInProgress = new Set<A.ConstDecl>();
  /** Whether `train`-section constructors (`adam`, `csv`, ...) may be called. */
  allowConfig = false;

  constructor(primitives: PrimitiveTable, main: ElabFunction) {
    this.primitives = primitives;
    this.fn = main;
  }

  // ---- diagnostics ----------------------------------------------------------------

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

  private origin(module: ModuleInfo, span: Span): Origin {
    return { source: module.source, span };
  }

  // ---- nodes ------------------------------------------------------------------------

  emit(op: string, inputs: readonly number[], attrs: Readonly<Record<string, AttrValue>>, type: OperandType, origin: Origin | null): TensorValue {
    const node: ElabNode = { id: this.fn.nodes.length, op, inputs, attrs, type, origin };
    this.fn.nodes.push(node);
    return { kind: 'tensor', node: node.id, type };
  }

  get currentFunction(): ElabFunction {
    return this.fn;
  }

  /** A scalar or small constant tensor from a compile-time number or list of numbers. */
  private constant(v: Value, dtype: DType, origin: Origin | null): TensorValue | null {
    const shape: Dim[] = [];
    let probe: Value = v;
    while (probe.kind === 'list') {
      shape.push(probe.elements.length);
      if (probe.elements.length === 0) return null;
      probe = probe.elements[0]!;
    }
    if (probe.kind !== 'int' && probe.kind !== 'float' && probe.kind !== 'bool') return null;
    const value = toAttr(v);
    if (value === undefined) return null;
    const type = tensor(probe.kind === 'bool' ? 'bool' : dtype, shape);
    return this.emit('const', [], { value }, type, origin);
  }

  // ---- names ------------------------------------------------------------------------

  lookup(name: A.Identifier | A.NameExpr, env: Env): Value {
    const key = name.kind === 'Identifier' ? name.name : name.name;
    const local = env.lookup(key);
    if (local) return local.value;
    const symbol = env.module.values.get(key) ?? env.module.imported.get(key)?.symbol;
    if (symbol) return this.symbolValue(symbol as ModuleSymbol);
    const schema = this.primitives.get(key);
    if (schema) return { kind: 'primitive', schema };
    if ((compileTimeBuiltins as readonly string[]).includes(key)) return { kind: 'builtin', name: key };
    if (this.allowConfig && configConstructors.has(key)) return { kind: 'builtin', name: key };
    const candidates = [
      ...env.names(),
      ...env.module.values.keys(),
      ...env.module.imported.keys(),
      ...this.primitives.names(),
      ...compileTimeBuiltins,
      ...(this.allowConfig ? configConstructors.keys() : []),
    ];
    const help = didYouMean(key, candidates) ?? this.importHint(key);
    this.report('unknownName', { name: key }, env.module, name.span, { label: 'not found', ...(help ? { help } : {}) });
    return errorValue;
  }

  private importHint(name: string): string | undefined {
    const stdlib: Readonly<Record<string, string>> = {
      dense: 'nn', mlp: 'nn', embedding_bag: 'nn', sparse_linear: 'nn', one_hot: 'nn', layer_norm: 'nn', dropout: 'nn',
      bce: 'loss', mse: 'loss', softmax_ce: 'loss', auc: 'metric', rce: 'metric', logloss: 'metric', accuracy: 'metric',
    };
    const module = stdlib[name];
    return module ? `import it: \`import std.${module} { ${name} }\`` : undefined;
  }

  private symbolValue(symbol: ModuleSymbol | { kind: 'features' | 'labels' }): Value {
    switch (symbol.kind) {
      case 'block':
        return { kind: 'block', decl: symbol.decl, module: symbol.module };
      case 'model':
        return { kind: 'model', decl: symbol.decl, module: symbol.module };
      case 'const':
        return this.constValue(symbol.decl, symbol.module);
      case 'module':
        return { kind: 'module', module: symbol.target };
      default:
        return errorValue;
    }
  }

  /** Module constants are evaluated once, on first use, in their own module's scope. */
  constValue(decl: A.ConstDecl, module: ModuleInfo): Value {
    const cached = this.constValues.get(decl);
    if (cached) return cached;
    if (this.constsInProgress.has(decl)) {
      this.report('unknownName', { name: decl.name.name }, module, decl.name.span, { label: 'defined in terms of itself', help: 'a constant cannot refer to itself' });
      return errorValue;
    }
    this.constsInProgress.add(decl);
    const saved = this.fn;
    // Constants are compile-time values; any tensor they would create goes to a scratch function.
    this.fn = { name: 'const', block: 'const', nodes: [], result: -1 };
    let value = this.eval(decl.value, new Env(module));
    this.fn = saved;
    if (value.kind === 'tensor') {
      this.report('notCompileTime', { what: `constant \`${decl.name.name}\`` }, module, decl.value.span);
      value = errorValue;
    } else if (decl.type) {
      value = this.checkCompileTimeType(value, decl.type, module, decl.value.span);
    }
    this.constsInProgress.delete(decl);
    this.constValues.set(decl, value);
    return value;
  }

  // ---- expressions --------------------------------------------------------------------

  eval(expr: A.Expr, env: Env): Value {
    switch (expr.kind) {
      case 'NumberLiteral':
        return expr.isInteger ? { kind: 'int', value: expr.value } : { kind: 'float', value: expr.value };
      case 'StringLiteral':
        return { kind: 'string', value: expr.value };
      case 'BoolLiteral':
        return { kind: 'bool', value: expr.value };
      case 'NameExpr':
        return this.lookup(expr, env);
      case 'ErrorExpr':
        return errorValue;
      case 'ListExpr': {
        const elements = expr.elements.map((e) => this.eval(e, env));
        return elements.some((e) => e.kind === 'error') ? errorValue : { kind: 'list', elements };
      }
      case 'UnaryExpr':
        return this.unary(expr, env);
      case 'BinaryExpr':
        return this.binary(expr, env);
      case 'MemberExpr':
        return this.member(expr, env);
      case 'IndexExpr':
        return this.index(expr, env);
      case 'CallExpr': {
        const callee = this.eval(expr.callee, env);
        const args = expr.args.map((a) => ({ name: a.name?.name ?? null, value: this.eval(a.value, env), span: a.span }));
        this.checkArgNames(expr.args, env.module);
        return this.call(callee, args, expr, env);
      }
      case 'PipeExpr': {
        const input: ArgValue = { name: null, value: this.eval(expr.input, env), span: expr.input.span };
        if (expr.stage.kind === 'CallExpr') {
          const callee = this.eval(expr.stage.callee, env);
          this.checkArgNames(expr.stage.args, env.module);
          const rest = expr.stage.args.map((a) => ({ name: a.name?.name ?? null, value: this.eval(a.value, env), span: a.span }));
          return this.call(callee, [input, ...rest], expr.stage, env);
        }
        return this.call(this.eval(expr.stage, env), [input], expr.stage, env);
      }
    }
  }

  private checkArgNames(args: readonly A.Argument[], module: ModuleInfo): void {
    const seen = new Map<string, A.Identifier>();
    for (const a of args) {
      if (!a.name) continue;
      const previous = seen.get(a.name.name);
      if (previous) {
        this.report('duplicateArgument', { name: a.name.name }, module, a.name.span, {
          secondary: [{ source: module.source, span: previous.span, message: 'first given here' }],
        });
      }
      seen.set(a.name.name, a.name);
    }
  }

  private unary(expr: A.UnaryExpr, env: Env): Value {
    const v = this.eval(expr.operand, env);
    if (v.kind === 'error') return v;
    const origin = this.origin(env.module, expr.span);
    if (expr.operator === 'not') {
      if (v.kind === 'bool') return { kind: 'bool', value: !v.value };
      if (v.kind === 'tensor') return this.primitiveCall('logical_not', [{ name: null, value: v, span: expr.operand.span }], expr.span, env.module);
    } else {
      const sign = expr.operator === '-' ? -1 : 1;
      if (v.kind === 'int' || v.kind === 'float') return { kind: v.kind, value: sign * v.value };
      if (v.kind === 'tensor') return sign === 1 ? v : this.primitiveCall('neg', [{ name: null, value: v, span: expr.operand.span }], expr.span, env.module);
    }
    void origin;
    this.report('invalidOperands', { op: expr.operator, left: describeValue(v), right: 'nothing' }, env.module, expr.span, {
      label: `\`${expr.operator}\` does not apply to ${describeValue(v)}`,
    });
    return errorValue;
  }

  private binary(expr: A.BinaryExpr, env: Env): Value {
    const left = this.eval(expr.left, env);
    // `and` / `or` on compile-time booleans short-circuit, so `i < len(xs) and xs[i] > 0` works.
    if ((expr.operator === 'and' || expr.operator === 'or') && left.kind === 'bool') {
      if (expr.operator === 'and' && !left.value) return left;
      if (expr.operator === 'or' && left.value) return left;
    }
    const right = this.eval(expr.right, env);
    if (left.kind === 'error' || right.kind === 'error') return errorValue;
    if (expr.operator === '..' && left.kind === 'int' && right.kind === 'int' && right.value - left.value > maxLoopIterations) {
      this.report('loopLimit', { limit: String(maxLoopIterations) }, env.module, expr.span);
      return errorValue;
    }
    const folded = foldBinary(expr.operator, left, right);
    if (folded !== undefined) return folded;
    const op = tensorBinaryOps[expr.operator];
    if (op && (left.kind === 'tensor' || right.kind === 'tensor')) {
      return this.primitiveCall(op, [
        { name: null, value: left, span: expr.left.span },
        { name: null, value: right, span: expr.right.span },
      ], expr.span, env.module);
    }
    this.report('invalidOperands', { op: expr.operator, left: describeValue(left), right: describeValue(right) }, env.module, operatorSpan(expr, env), {
      label: 'no rule for these operands',
      secondary: [
        { source: env.module.source, span: expr.left.span, message: describeValue(left) },
        { source: env.module.source, span: expr.right.span, message: describeValue(right) },
      ],
    });
    return errorValue;
  }

  private member(expr: A.MemberExpr, env: Env): Value {
    const object = this.eval(expr.object, env);
    const name = expr.member.name;
    switch (object.kind) {
      case 'features':
      case 'labels': {
        const field = object.fields.get(name);
        if (field !== undefined) {
          if (object.kind === 'features') this.usedFeatures.add(name);
          // A field whose declaration failed is already reported.
          return field ?? errorValue;
        }
        const help = didYouMean(name, object.fields.keys());
        this.report('unknownField', { set: `${object.kind === 'features' ? 'features' : 'labels'} \`${object.set.name}\``, name }, env.module, expr.member.span, help ? { help } : {});
        return errorValue;
      }
      case 'module': {
        const symbol = object.module.values.get(name);
        if (symbol && symbol.kind !== 'module') return this.symbolValue(symbol);
        const help = didYouMean(name, object.module.values.keys());
        this.report('unknownImport', { module: `\`${object.module.name}\``, name }, env.module, expr.member.span, help ? { help } : {});
        return errorValue;
      }
      case 'error':
        return object;
      default:
        this.report('unknownField', { set: describeValue(object), name }, env.module, expr.member.span, { help: 'only feature sets, label sets and modules have fields' });
        return errorValue;
    }
  }

  private index(expr: A.IndexExpr, env: Env): Value {
    const object = this.eval(expr.object, env);
    if (object.kind === 'error') return object;
    if (object.kind === 'list') {
      const only = expr.indices.length === 1 ? expr.indices[0]! : undefined;
      if (only && only.kind !== 'SliceExpr') {
        const i = this.eval(only, env);
        if (i.kind !== 'int') return this.mismatch('an integer index', i, env.module, only.span);
        const at = i.value < 0 ? i.value + object.elements.length : i.value;
        const element = object.elements[at];
        if (element === undefined) {
          this.report('invalidIndex', { index: String(i.value), length: String(object.elements.length) }, env.module, only.span);
          return errorValue;
        }
        return element;
      }
      if (only && only.kind === 'SliceExpr') {
        const part = (e: A.Expr | null): number | null | undefined => {
          if (!e) return null;
          const v = this.eval(e, env);
          if (v.kind === 'int') return v.value;
          this.mismatch('an integer', v, env.module, e.span);
          return undefined;
        };
        const [start, stop, step] = [part(only.start), part(only.stop), part(only.step)];
        if (start === undefined || stop === undefined || step === undefined) return errorValue;
        return { kind: 'list', elements: sliceList(object.elements, start, stop, step ?? 1) };
      }
    }
    if (object.kind === 'tensor') {
      const spec: AttrValue[] = [];
      for (const item of expr.indices) {
        if (item.kind === 'SliceExpr') {
          const part = (e: A.Expr | null): number | null => {
            if (!e) return null;
            const v = this.eval(e, env);
            if (v.kind === 'int') return v.value;
            this.mismatch('a compile-time integer', v, env.module, e.span);
            return null;
          };
          // A slice is `[start, stop, step]` (null where omitted); an index is a number.
          spec.push([part(item.start), part(item.stop), part(item.step) ?? 1]);
        } else {
          const v = this.eval(item, env);
          if (v.kind !== 'int') return this.mismatch('a compile-time integer index', v, env.module, item.span);
          spec.push(v.value);
        }
      }
      return this.primitiveCall('slice', [{ name: null, value: object, span: expr.object.span }, { name: 'spec', value: attrToValue(spec), span: expr.span }], expr.span, env.module);
    }
    return this.mismatch('a list or a tensor to index', object, env.module, expr.object.span);
  }

  mismatch(expected: string, found: Value, module: ModuleInfo, at: Span): Value {
    if (found.kind !== 'error') this.report('typeMismatch', { expected, found: describeValue(found) }, module, at, { label: `expected ${expected}` });
    return errorValue;
  }

  // ---- calls ------------------------------------------------------------------------

  call(callee: Value, args: readonly ArgValue[], site: A.Expr, env: Env): Value {
    if (callee.kind === 'error' || args.some((a) => a.value.kind === 'error')) return errorValue;
    const calleeSpan = site.kind === 'CallExpr' ? site.callee.span : site.span;
    switch (callee.kind) {
      case 'primitive':
        return this.primitiveCall(callee.schema.name, args, site.span, env.module);
      case 'block':
        return this.blockCall(callee.decl, callee.module, args, site, env);
      case 'builtin':
        return configConstructors.has(callee.name) && !(compileTimeBuiltins as readonly string[]).includes(callee.name)
          ? this.configCall(callee.name, args, env.module, calleeSpan)
          : this.builtinCall(callee.name, args, env.module, site.span);
      default:
        this.report('notCallable', { what: describeValue(callee) }, env.module, calleeSpan, { label: 'called here' });
        return errorValue;
    }
  }

  /** Matches arguments to parameters: positional first, then by name; reports what does not fit. */
  private bindArgs(
    params: readonly { name: string; required: boolean }[],
    args: readonly ArgValue[],
    callee: string,
    module: ModuleInfo,
    at: Span,
  ): Map<string, ArgValue> | null {
    const bound = new Map<string, ArgValue>();
    let ok = true;
    const positional = args.filter((a) => a.name === null);
    if (positional.length > params.length) {
      const extra = positional[params.length]!;
      this.report('wrongArgumentCount', { callee, count: String(params.length), given: String(positional.length) }, module, extra.span, { label: 'unexpected argument' });
      ok = false;
    }
    positional.slice(0, params.length).forEach((a, i) => bound.set(params[i]!.name, a));
    for (const a of args) {
      if (a.name === null) continue;
      if (!params.some((p) => p.name === a.name)) {
        const help = didYouMean(a.name, params.map((p) => p.name));
        this.report('unknownArgument', { callee, name: a.name }, module, a.span, help ? { help } : { help: `its parameters are ${params.map((p) => `\`${p.name}\``).join(', ') || 'none'}` });
        ok = false;
        continue;
      }
      const earlier = bound.get(a.name);
      if (earlier) {
        // Two named ones are reported where the call is read (`checkArgNames`).
        if (earlier.name === null) this.report('duplicateArgument', { name: a.name }, module, a.span, { label: 'also given by position' });
        ok = false;
        continue;
      }
      bound.set(a.name, a);
    }
    // A misspelled name usually is the missing argument: report only the misspelling.
    const misspelled = args.some((a) => a.name !== null && !params.some((p) => p.name === a.name));
    for (const p of params) {
      if (p.required && !bound.has(p.name) && !misspelled) {
        this.report('missingArgument', { name: p.name, callee }, module, at, { label: `\`${p.name}\` is required` });
        ok = false;
      }
    }
    return ok ? bound : null;
  }

  /** Calls a primitive op: tensors become inputs, everything else attributes; the op types the result. */
  primitiveCall(name: string, args: readonly ArgValue[], at: Span, module: ModuleInfo): Value {
    const schema = this.primitives.get(name);
    if (!schema) {
      this.report('internalError', { detail: `no primitive op \`${name}\`` }, module, at);
      return errorValue;
    }
    const bound = this.bindArgs(schema.params.map((p) => ({ name: p.name, required: p.default === undefined })), args, `op \`${name}\``, module, at);
    if (!bound) return errorValue;
    const inputs: number[] = [];
    const operands: Record<string, OperandType | OperandType[]> = {};
    const attrs: Record<string, AttrValue> = {};
    const spans = new Map<string, Span>();
    const origin = this.origin(module, at);
    // Numbers given for tensor operands become constants of the other operands' dtype.
    const firstTensor = [...bound.values()].map((a) => a.value).find((v): v is TensorValue => v.kind === 'tensor' && v.type.kind === 'tensor');
    const constDtype: DType = firstTensor?.type.kind === 'tensor' && firstTensor.type.dtype !== 'string' ? firstTensor.type.dtype : 'f32';
    for (const p of schema.params) {
      const a = bound.get(p.name);
      if (a) spans.set(p.name, a.span);
      if (p.kind === 'tensor' || p.kind === 'sparse' || p.kind === 'ids') {
        if (!a) continue;
        const t = this.asTensor(a.value, constDtype, origin);
        if (!t) return this.mismatch(p.kind === 'sparse' ? 'sparse ids' : 'a tensor', a.value, module, a.span);
        inputs.push(t.node);
        operands[p.name] = t.type;
      } else if (p.kind === 'tensors') {
        if (!a) continue;
        if (a.value.kind !== 'list') return this.mismatch('a list of tensors', a.value, module, a.span);
        const ts: OperandType[] = [];
        for (const e of a.value.elements) {
          const t = this.asTensor(e, constDtype, origin);
          if (!t) return this.mismatch('a list of tensors', e, module, a.span);
          inputs.push(t.node);
          ts.push(t.type);
        }
        operands[p.name] = ts;
        attrs[`${p.name}_count`] = ts.length;
      } else {
        const value = a ? this.attrArg(a, p, module) : p.default;
        if (value === undefined) return errorValue;
        attrs[p.name] = value;
      }
    }
    if (schema.name === 'param' && attrs['name'] === null) attrs['name'] = this.assignTarget ?? 'param';
    const result = schema.infer({ operands, attrs });
    if (!result.ok) {
      const labels: Label[] = (result.operands ?? []).flatMap((o) => {
        const span = spans.get(o);
        const t = operands[o];
        if (!span || !t) return [];
        return [{ source: module.source, span, message: Array.isArray(t) ? t.map(formatType).join(', ') : formatType(t as OperandType) }];
      });
      const attrSpan = result.attr ? spans.get(result.attr) : undefined;
      const primary = labels[0]?.span ?? attrSpan ?? at;
      const primaryLabel = labels[0]?.message ?? '';
      if (result.category === 'shape') {
        this.report('shapeMismatch', { op: name, shapes: labels.map((l) => `\`${l.message}\``).join(' and ') || result.message }, module, primary, {
          label: primaryLabel,
          secondary: labels.slice(1),
          notes: [result.message],
        });
      } else {
        this.report('opTypeError', { op: name, reason: result.message }, module, primary, { label: primaryLabel, secondary: labels.slice(1) });
      }
      return errorValue;
    }
    return this.emit(name, inputs, { ...attrs, ...(result.attrs ?? {}) }, result.type, origin);
  }

  /** A tensor operand from a tensor, or a constant tensor from a number or list of numbers. */
  private asTensor(v: Value, dtype: DType, origin: Origin | null): TensorValue | null {
    if (v.kind === 'tensor') return v;
    if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'list') return this.constant(v, dtype, origin);
    return null;
  }

  private attrArg(a: ArgValue, p: PrimitiveParam, module: ModuleInfo): AttrValue | undefined {
    const v = a.value;
    // `none` stands for "not given" where the parameter's default is null (fitted statistics, optional axes).
    if (v.kind === 'none' && p.default === null) return null;
    const fail = (expected: string): undefined => {
      if (v.kind === 'tensor') this.report('notCompileTime', { what: `argument \`${p.name}\`` }, module, a.span);
      else this.mismatch(expected, v, module, a.span);
      return undefined;
    };
    switch (p.kind) {
      case 'int':
        return v.kind === 'int' ? v.value : fail('an integer');
      case 'float':
        return v.kind === 'int' || v.kind === 'float' ? v.value : fail('a number');
      case 'bool':
        return v.kind === 'bool' ? v.value : fail('`true` or `false`');
      case 'string':
        return v.kind === 'string' ? v.value : v.kind === 'none' ? null : fail('a string');
      case 'dtype':
        return v.kind === 'string' && (dtypes as readonly string[]).includes(v.value) ? v.value : fail(`a dtype name (${dtypes.map((d) => `"${d}"`).join(', ')})`);
      case 'ints':
        if (v.kind === 'int') return [v.value];
        return v.kind === 'list' && v.elements.every((e) => e.kind === 'int') ? (toAttr(v) ?? fail('a list of integers')) : fail('a list of integers');
      case 'floats':
        return v.kind === 'list' && v.elements.every((e) => e.kind === 'int' || e.kind === 'float') ? (toAttr(v) ?? fail('a list of numbers')) : fail('a list of numbers');
      case 'any':
        return toAttr(v) ?? fail('a compile-time value');
      default:
        return fail('a compile-time value');
    }
  }

  private builtinCall(name: string, args: readonly ArgValue[], module: ModuleInfo, at: Span): Value {
    const values = args.map((a) => a.value);
    const first = values[0];
    switch (name) {
      case 'range': {
        const bound = this.bindArgs([{ name: 'start', required: true }, { name: 'stop', required: false }, { name: 'step', required: false }], args, '`range`', module, at);
        if (!bound) return errorValue;
        const nums = ['start', 'stop', 'step'].map((k) => bound.get(k)).map((a) => (a === undefined ? undefined : a.value.kind === 'int' ? a.value.value : null));
        if (nums.some((n) => n === null)) return this.mismatch('integers', values.find((v) => v.kind !== 'int')!, module, at);
        const [a, b, step] = nums as (number | undefined)[];
        const [lo, hi] = b === undefined ? [0, a!] : [a!, b];
        return this.rangeList(lo, hi, step ?? 1, module, at);
      }
      case 'vocab_size':
        if (first?.kind === 'tensor' && (first.type.kind === 'sparse' || first.type.vocab !== undefined)) return { kind: 'int', value: first.type.kind === 'sparse' ? first.type.vocab : first.type.vocab! };
        return this.mismatch('an id tensor (from `hash`, `vocab`, `bucketize` or a `discrete` feature)', first ?? errorValue, module, at);
      case 'shape':
        if (first?.kind === 'tensor' && first.type.kind === 'tensor') {
          return { kind: 'list', elements: first.type.shape.map((d): Value => (typeof d === 'number' ? { kind: 'int', value: d } : { kind: 'string', value: d })) };
        }
        return this.mismatch('a dense tensor', first ?? errorValue, module, at);
      case 'rank':
        if (first?.kind === 'tensor' && first.type.kind === 'tensor') return { kind: 'int', value: first.type.shape.length };
        return this.mismatch('a dense tensor', first ?? errorValue, module, at);
      case 'assert': {
        const [cond, message] = values;
        if (cond?.kind !== 'bool' || (message !== undefined && message.kind !== 'string')) return this.mismatch('`assert(condition, "message")`', cond ?? errorValue, module, at);
        if (!cond.value) this.report('assertionFailed', { message: message?.value ?? 'assertion failed' }, module, at, { label: 'this assertion failed' });
        return { kind: 'none' };
      }
      case 'len':
        if (first?.kind === 'list' && values.length === 1) return { kind: 'int', value: first.elements.length };
        if (first?.kind === 'string' && values.length === 1) return { kind: 'int', value: first.value.length };
        return this.mismatch('one list', first ?? errorValue, module, at);
      case 'int':
        if ((first?.kind === 'int' || first?.kind === 'float') && values.length === 1) return { kind: 'int', value: Math.trunc(first.value) };
        return this.mismatch('one number', first ?? errorValue, module, at);
      case 'float':
        if ((first?.kind === 'int' || first?.kind === 'float') && values.length === 1) return { kind: 'float', value: first.value };
        return this.mismatch('one number', first ?? errorValue, module, at);
      default:
        return errorValue;
    }
  }

  rangeList(lo: number, hi: number, step: number, module: ModuleInfo, at: Span): Value {
    if (step === 0) return this.mismatch('a step other than 0', { kind: 'int', value: 0 }, module, at);
    const count = Math.max(0, Math.ceil((hi - lo) / step));
    if (count > maxLoopIterations) {
      this.report('loopLimit', { limit: String(maxLoopIterations) }, module, at);
      return errorValue;
    }
    return { kind: 'list', elements: Array.from({ length: count }, (_, i) => ({ kind: 'int' as const, value: lo + i * step })) };
  }

  private configCall(name: string, args: readonly ArgValue[], module: ModuleInfo, at: Span): Value {
    const accepted = configConstructors.get(name) ?? [];
    const named: Record<string, AttrValue> = {};
    const positional: AttrValue[] = [];
    for (const a of args) {
      const value = a.value.kind === 'metric' ? a.value.name : toAttr(a.value);
      if (value === undefined) {
        if (a.value.kind === 'tensor') this.report('notCompileTime', { what: `an argument of \`${name}\`` }, module, a.span);
        else this.mismatch('a compile-time value', a.value, module, a.span);
        return errorValue;
      }
      if (a.name === null) positional.push(value);
      else if (!accepted.includes(a.name)) {
        const help = didYouMean(a.name, accepted);
        this.report('unknownArgument', { callee: `\`${name}\``, name: a.name }, module, a.span, help ? { help } : { help: `it takes ${accepted.map((p) => `\`${p}\``).join(', ') || 'no arguments'}` });
        return errorValue;
      } else named[a.name] = value;
    }
    void at;
    return { kind: 'config', name, args: named, positional };
  }

  /**
   * Calls a block. Compile-time arguments and input types select (or create) an instance
   * function; tensor arguments become its inputs. A block whose result is not a tensor
   * runs inline, as a compile-time function.
   */
  private blockCall(decl: A.BlockDecl, module: ModuleInfo, args: readonly ArgValue[], site: A.Expr, env: Env): Value {
    const callee = `block \`${decl.name.name}\``;
    const bound = this.bindArgs(decl.params.map((p) => ({ name: p.name.name, required: p.default === null })), args, callee, env.module, site.span);
    if (!bound) return errorValue;
    if (this.depth >= maxCallDepth) {
      this.report('recursionLimit', { limit: String(maxCallDepth) }, env.module, site.span);
      throw new AbortElaboration();
    }
    const inner = new Env(module);
    const dims = new Map<string, Dim>();
    const tensorInputs: TensorValue[] = [];
    const keyParts: unknown[] = [];
    for (const p of decl.params) {
      const given = bound.get(p.name.name);
      let value: Value;
      let span: Span;
      if (given) {
        value = given.value;
        span = given.span;
      } else {
        value = this.eval(p.default!, inner);
        span = p.default!.span;
      }
      value = this.checkParam(value, p, inner, dims, decl, given ? env.module : module, span);
      if (value.kind === 'error') return errorValue;
      inner.set(p.name.name, value, p.name.span);
      keyParts.push(p.name.name, this.specializationKey(value, tensorInputs));
    }
    // Dimensions bound by the parameter types (`D` in `x: f32[B, D]`) are usable in the body.
    for (const [name, d] of dims) if (typeof d === 'number' && inner.lookup(name) === undefined) inner.set(name, { kind: 'int', value: d }, null);
    const returnsTensor = decl.returnType !== null && isTensorTypeRef(decl.returnType);
    this.depth++;
    this.callStack.push({ module: env.module, span: site.span, block: decl.name.name });
    // Parameters inside the block are named by the block's own assignments, not the caller's.
    const savedTarget = this.assignTarget;
    this.assignTarget = null;
    try {
      if (!returnsTensor) return this.runBody(decl, inner, dims, module);
      const key = JSON.stringify([module.path, decl.name.name, keyParts]);
      let instance = this.instances.get(key);
      if (!instance) {
        const created = this.instantiate(decl, module, inner, dims, tensorInputs);
        if (!created) return errorValue;
        instance = created;
        this.instances.set(key, instance);
      }
      const resultType = instance.nodes[instance.result]!.type;
      const scope = this.scopeName(decl.name.name);
      return this.emit('call', tensorInputs.map((t) => t.node), { fn: instance.name, scope }, resultType, this.origin(env.module, site.span));
    } finally {
      this.depth--;
      this.callStack.pop();
      this.assignTarget = savedTarget;
    }
  }

  /** `dense_0`, `dense_1`, ...: call-site names, unique within the calling function. */
  private scopeName(block: string): string {
    const key = `${this.fn.name}/${block}`;
    const n = this.instanceCounts.get(key) ?? 0;
    this.instanceCounts.set(key, n + 1);
    return `${block}_${n}`;
  }

  /** Replaces each tensor in a value by an input placeholder, collecting the tensors. */
  private specializationKey(value: Value, tensors: TensorValue[]): unknown {
    switch (value.kind) {
      case 'tensor':
        tensors.push(value);
        return { tensor: value.type };
      case 'list':
        return value.elements.map((e) => this.specializationKey(e, tensors));
      case 'features':
      case 'labels':
        return { [value.kind]: value.set.name, fields: [...value.fields].map(([k, t]) => [k, t === null ? null : this.specializationKey(t, tensors)]) };
      default:
        return toAttr(value) ?? value.kind;
    }
  }

  private instantiate(decl: A.BlockDecl, module: ModuleInfo, inner: Env, dims: Map<string, Dim>, tensorInputs: readonly TensorValue[]): ElabFunction | null {
    // The name is taken before the body runs: a block that calls itself makes its inner
    // instances first, and each needs a name of its own.
    const count = this.instanceNames.get(decl.name.name) ?? 0;
    this.instanceNames.set(decl.name.name, count + 1);
    const instance: ElabFunction = { name: count === 0 ? decl.name.name : `${decl.name.name}$${count}`, block: decl.name.name, nodes: [], result: -1 };
    const saved = this.fn;
    this.fn = instance;
    try {
      // Inside the instance, each tensor argument is read through an `arg` node.
      const argNodes = new Map<number, TensorValue>();
      tensorInputs.forEach((t, i) => argNodes.set(t.node, this.emit('arg', [], { index: i }, t.type, null)));
      for (const name of inner.names()) {
        const b = inner.lookup(name)!;
        b.value = remapTensors(b.value, argNodes);
      }
      const result = this.runBody(decl, inner, dims, module);
      if (result.kind === 'error') return null;
      if (result.kind !== 'tensor') {
        this.report('typeMismatch', { expected: 'a tensor', found: describeValue(result) }, module, decl.returnType!.span, { label: 'declared to return a tensor' });
        return null;
      }
      instance.result = result.node;
    } finally {
      this.fn = saved;
    }
    this.functions.push(instance);
    return instance;
  }

  private runBody(decl: A.BlockDecl, env: Env, dims: Map<string, Dim>, module: ModuleInfo): Value {
    try {
      this.execBody(decl.body, env);
    } catch (signal) {
      if (!(signal instanceof ReturnSignal)) throw signal;
      return decl.returnType ? this.checkReturn(signal.value, decl, env, dims, module, signal.span) : signal.value;
    }
    this.report('missingReturn', { name: decl.name.name }, module, { start: decl.body.span.end - 1, end: decl.body.span.end }, { label: 'the block ends here' });
    return errorValue;
  }

  // ---- types of parameters and results ----------------------------------------------

  /** Checks a value against a parameter's declared type, binding shape symbols in `dims`. */
  private checkParam(value: Value, p: A.Param, env: Env, dims: Map<string, Dim>, decl: A.BlockDecl | A.ModelDecl, module: ModuleInfo, at: Span): Value {
    if (value.kind === 'error') return value;
    const t = p.type;
    if (isTensorTypeRef(t)) {
      if (value.kind !== 'tensor' && value.kind !== 'int' && value.kind !== 'float') return this.mismatch(`a tensor \`${printType(t)}\``, value, module, at);
      if (value.kind !== 'tensor') return value;
      return this.unifyTensor(value, t, env, dims, module, at, `parameter \`${p.name.name}\``, decl.name.name);
    }
    return this.checkCompileTimeType(value, t, module, at);
  }

  private checkCompileTimeType(value: Value, t: A.TypeRef, module: ModuleInfo, at: Span): Value {
    const name = t.name.name;
    const listDepth = t.dims.filter((d) => d.dims.length === 0).length;
    const probe: Value = value;
    for (let i = 0; i < listDepth; i++) {
      if (probe.kind !== 'list') return this.mismatch(`\`${printType(t)}\``, value, module, at);
      const elements = probe.elements;
      for (const e of elements) {
        const ok = this.checkCompileTimeType(e, { ...t, dims: t.dims.slice(1) }, module, at);
        if (ok.kind === 'error') return ok;
      }
      return value;
    }
    const fits =
      (name === 'int' && probe.kind === 'int') ||
      (name === 'float' && (probe.kind === 'float' || probe.kind === 'int')) ||
      (name === 'bool' && probe.kind === 'bool') ||
      (name === 'string' && probe.kind === 'string') ||
      name === 'any';
    if (fits) return name === 'float' && probe.kind === 'int' ? { kind: 'float', value: probe.value } : value;
    if (probe.kind === 'features' && probe.set.name === name) return value;
    if (probe.kind === 'tensor' && (name === 'int' || name === 'float' || name === 'bool')) {
      this.report('notCompileTime', { what: `a value of type \`${name}\`` }, module, at);
      return errorValue;
    }
    return this.mismatch(`\`${printType(t)}\``, value, module, at);
  }

  private unifyTensor(value: TensorValue, t: A.TypeRef, env: Env, dims: Map<string, Dim>, module: ModuleInfo, at: Span, what: string, callee: string): Value {
    const expectedDtype = t.name.name as DType;
    const actual = value.type;
    const report = (): Value => {
      this.report(
        'parameterShapeMismatch',
        { param: what.replace(/^parameter `|`$/g, ''), callee, expected: this.describeTypeRef(t, env, dims), found: formatType(actual) },
        module,
        at,
        { label: `this is \`${formatType(actual)}\`` },
      );
      return errorValue;
    };
    if (actual.kind !== 'tensor' || actual.dtype !== expectedDtype) return report();
    const pattern = t.dims[0]?.dims ?? [];
    if (pattern.length !== actual.shape.length) return report();
    for (let i = 0; i < pattern.length; i++) {
      const d = pattern[i]!;
      const got = actual.shape[i]!;
      if (d.kind === 'NameExpr' && env.lookup(d.name) === undefined) {
        if (d.name === '_') continue;
        const bound = dims.get(d.name);
        if (bound === undefined) dims.set(d.name, got);
        else if (bound !== got) return report();
        continue;
      }
      const expected = this.evalDim(d, env, dims);
      if (expected === undefined) continue;
      if (expected !== got) return report();
    }
    return value;
  }

  /** A dimension expression's value: an int from the scope, a bound symbol, or arithmetic of those. */
  private evalDim(d: A.Expr, env: Env, dims: ReadonlyMap<string, Dim>): Dim | undefined {
    if (d.kind === 'NameExpr') {
      const v = env.lookup(d.name)?.value;
      if (v?.kind === 'int') return v.value;
      return dims.get(d.name) ?? (v === undefined ? undefined : undefined);
    }
    if (d.kind === 'NumberLiteral' && d.isInteger) return d.value;
    if (d.kind === 'BinaryExpr') {
      const l = this.evalDim(d.left, env, dims);
      const r = this.evalDim(d.right, env, dims);
      if (typeof l !== 'number' || typeof r !== 'number') return undefined;
      const v = foldBinary(d.operator, { kind: 'int', value: l }, { kind: 'int', value: r });
      return v?.kind === 'int' ? v.value : undefined;
    }
    return undefined;
  }

  private describeTypeRef(t: A.TypeRef, env: Env, dims: ReadonlyMap<string, Dim>): string {
    const shape = (t.dims[0]?.dims ?? []).map((d) => {
      const v = this.evalDim(d, env, dims);
      return v === undefined ? printExpr(d) : String(v);
    });
    return `${t.name.name}[${shape.join(', ')}]`;
  }

  private checkReturn(value: Value, decl: A.BlockDecl, env: Env, dims: Map<string, Dim>, module: ModuleInfo, at: Span): Value {
    const t = decl.returnType!;
    if (!isTensorTypeRef(t)) return this.checkCompileTimeType(value, t, module, at);
    if (value.kind !== 'tensor') return this.mismatch(`a tensor \`${printType(t)}\``, value, module, at);
    const expected = this.describeTypeRef(t, env, dims);
    const pattern = t.dims[0]?.dims ?? [];
    const actual = value.type;
    const fits =
      actual.kind === 'tensor' &&
      actual.dtype === t.name.name &&
      actual.shape.length === pattern.length &&
      pattern.every((d, i) => {
        if (d.kind === 'NameExpr' && d.name === '_') return true;
        const v = this.evalDim(d, env, dims);
        return v === undefined || v === actual.shape[i];
      });
    if (!fits) {
      this.report('returnShapeMismatch', { name: decl.name.name, found: formatType(actual), expected }, module, at, {
        label: `this is \`${formatType(actual)}\``,
        secondary: [{ source: module.source, span: t.span, message: 'declared here' }],
      });
      return errorValue;
    }
    return value;
  }

  // ---- statements ---------------------------------------------------------------------

  execBody(body: A.Body, env: Env, onOut?: (stmt: A.OutStmt, value: Value) => void): void {
    for (const stmt of body.statements) this.exec(stmt, env, onOut);
  }

  private exec(stmt: A.Stmt, env: Env, onOut?: (stmt: A.OutStmt, value: Value) => void): void {
    switch (stmt.kind) {
      case 'AssignStmt': {
        const saved = this.assignTarget;
        this.assignTarget = stmt.target.name;
        const value = this.eval(stmt.value, env);
        this.assignTarget = saved;
        env.set(stmt.target.name, value, stmt.target.span);
        return;
      }
      case 'ExprStmt':
        this.eval(stmt.expr, env);
        return;
      case 'OutStmt': {
        const value = stmt.value ? this.evalNamed(stmt.name.name, stmt.value, env) : this.lookup(stmt.name, env);
        if (stmt.value) env.set(stmt.name.name, value, stmt.name.span);
        if (onOut) onOut(stmt, value);
        else this.report('typeMismatch', { expected: 'a statement', found: '`out`' }, env.module, stmt.span, { label: '`out` is only for model bodies', help: 'blocks hand their result back with `return`' });
        return;
      }
      case 'ReturnStmt':
        throw new ReturnSignal(this.eval(stmt.value, env), stmt.value.span);
      case 'IfStmt': {
        const cond = this.eval(stmt.condition, env);
        if (cond.kind === 'error') return;
        if (cond.kind !== 'bool') {
          if (cond.kind === 'tensor') this.report('notCompileTime', { what: 'an `if` condition' }, env.module, stmt.condition.span, { help: 'to choose between tensors element by element use `where(condition, a, b)`' });
          else this.mismatch('`true` or `false`', cond, env.module, stmt.condition.span);
          return;
        }
        if (cond.value) this.execBody(stmt.then, env, onOut);
        else if (stmt.else?.kind === 'Body') this.execBody(stmt.else, env, onOut);
        else if (stmt.else) this.exec(stmt.else, env, onOut);
        return;
      }
      case 'ForStmt': {
        const iterable = this.eval(stmt.iterable, env);
        if (iterable.kind === 'error') return;
        if (iterable.kind !== 'list') {
          if (iterable.kind === 'tensor') this.report('notCompileTime', { what: 'what a `for` loop runs over' }, env.module, stmt.iterable.span);
          else this.mismatch('a list or a range such as `0..n`', iterable, env.module, stmt.iterable.span);
          return;
        }
        for (const element of iterable.elements) {
          env.set(stmt.variable.name, element, stmt.variable.span);
          this.execBody(stmt.body, env, onOut);
        }
        return;
      }
    }
  }

  /** Evaluates with `name` as the assignment target, which names any parameter created. */
  evalNamed(name: string, expr: A.Expr, env: Env): Value {
    const saved = this.assignTarget;
    this.assignTarget = name;
    const value = this.eval(expr, env);
    this.assignTarget = saved;
    return value;
  }

  // ---- features and labels ------------------------------------------------------------

  /** Resolves a `features` or `labels` declaration: kinds, their arguments, defaults and transforms. */
  featureSet(decl: A.FeaturesDecl | A.LabelsDecl, module: ModuleInfo): FeatureSet {
    const role = decl.kind === 'FeaturesDecl' ? 'feature' : 'label';
    const env = new Env(module);
    const fields: FeatureField[] = [];
    const seen = new Map<string, A.Identifier>();
    for (const f of decl.fields) {
      const previous = seen.get(f.name.name);
      if (previous) {
        this.report('duplicateDefinition', { name: f.name.name }, module, f.name.span, {
          label: 'declared again here',
          secondary: [{ source: module.source, span: previous.span, message: 'first declared here' }],
        });
        continue;
      }
      seen.set(f.name.name, f.name);
      const kind = featureKinds.get(f.fieldKind.name.name);
      if (!kind || !kind.roles.includes(role)) {
        const names = [...featureKinds.values()].filter((k) => k.roles.includes(role)).map((k) => k.name);
        const help = didYouMean(f.fieldKind.name.name, names) ?? `${role} kinds are ${names.map((n) => `\`${n}\``).join(', ')}`;
        this.report('unknownFeatureKind', { what: `${role} kind`, name: f.fieldKind.name.name }, module, f.fieldKind.name.span, { help });
        continue;
      }
      const args = this.applicationArgs(f.fieldKind, kind.params, `kind \`${kind.name}\``, env);
      if (!args) continue;
      if (!this.checkDownsampling(f, role, args, fields, module)) continue;
      let def: AttrValue = kind.defaultValue;
      if (f.default) {
        const v = this.eval(f.default, env);
        const a = toAttr(v);
        if (a === undefined || (typeof a !== typeof kind.defaultValue && !(Array.isArray(a) && Array.isArray(kind.defaultValue)))) {
          this.mismatch(`a default of the same kind as ${JSON.stringify(kind.defaultValue)}`, v, module, f.default.span);
          continue;
        }
        def = a;
      }
      const transforms: FeatureField['transforms'][number][] = [];
      for (const t of f.transforms) {
        const op = transformOps.get(t.name.name);
        if (!op || role === 'label') {
          const help = didYouMean(t.name.name, transformOps.keys()) ?? `transforms are ${[...transformOps.keys()].map((n) => `\`${n}\``).join(', ')}`;
          this.report('unknownFeatureKind', { what: 'transform', name: t.name.name }, module, t.name.span, role === 'label' ? { help: 'labels take no transforms' } : { help });
          continue;
        }
        const schema = this.primitives.get(op)!;
        const params = schema.params.slice(1);
        const targs = this.applicationArgs(t, params, `transform \`${t.name.name}\``, env);
        if (targs) transforms.push({ name: t.name.name, op, args: targs, decl: t });
      }
      fields.push({ name: f.name.name, decl: f, kind, args, default: def, transforms });
    }
    return { name: decl.name.name, role, decl, module, fields };
  }

  /**
   * `binary(downsample_neg: r)` keeps a fraction `r` in (0, 1] of the negative rows; the
   * rows dropped are those negative for every downsampled label, so all of them share `r`.
   */
  private checkDownsampling(f: A.FieldDecl, role: 'feature' | 'label', args: Readonly<Record<string, AttrValue>>, earlier: readonly FeatureField[], module: ModuleInfo): boolean {
    const rate = args['downsample_neg'];
    if (typeof rate !== 'number' || rate === 1) return true;
    const at = (f.fieldKind.args ?? []).find((a) => a.name?.name === 'downsample_neg' || a.name === null)?.span ?? f.fieldKind.span;
    if (role !== 'label' || !(rate > 0 && rate <= 1)) {
      this.report('typeMismatch', { expected: role === 'label' ? 'a fraction of negatives kept, in (0, 1]' : '1 (only labels are downsampled)', found: String(rate) }, module, at, {
        label: role === 'label' ? 'the fraction of negative rows kept' : 'a feature is not downsampled',
      });
      return false;
    }
    const other = earlier.find((g) => typeof g.args['downsample_neg'] === 'number' && g.args['downsample_neg'] !== 1 && g.args['downsample_neg'] !== rate);
    if (other) {
      this.report('typeMismatch', { expected: `the rate of \`${other.name}\` (${String(other.args['downsample_neg'])})`, found: String(rate) }, module, at, {
        label: 'a second downsampling rate',
        secondary: [{ source: module.source, span: other.decl.span, message: 'first rate declared here' }],
        help: 'a row is dropped only when it is negative for every downsampled label, so they share one `downsample_neg`',
      });
      return false;
    }
    return true;
  }

  private applicationArgs(app: A.Application, params: readonly PrimitiveParam[], callee: string, env: Env): Record<string, AttrValue> | null {
    const args = (app.args ?? []).map((a) => ({ name: a.name?.name ?? null, value: this.eval(a.value, env), span: a.span }));
    if (args.some((a) => a.value.kind === 'error')) return null;
    const bound = this.bindArgs(params.map((p) => ({ name: p.name, required: p.default === undefined })), args, callee, env.module, app.span);
    if (!bound) return null;
    const out: Record<string, AttrValue> = {};
    for (const p of params) {
      const a = bound.get(p.name);
      const v = a ? this.attrArg(a, p, env.module) : p.default;
      if (v === undefined) return null;
      out[p.name] = v;
    }
    return out;
  }

  /** Input nodes for every field of a set, each followed by its transforms. */
  inputs(set: FeatureSet, module: ModuleInfo): Map<string, TensorValue | null> {
    const values = new Map<string, TensorValue | null>();
    for (const f of set.decl.fields) values.set(f.name.name, null);
    for (const f of set.fields) {
      const origin = this.origin(set.module, f.decl.name.span);
      let value: Value = this.emit('input', [], { name: f.name, role: set.role, kind: f.kind.name, args: f.args, default: f.default }, f.kind.rawType(f.args), origin);
      for (const t of f.transforms) {
        const args: ArgValue[] = [{ name: null, value, span: t.decl.span }, ...Object.entries(t.args).map(([name, v]) => ({ name, value: attrToValue(v), span: t.decl.span }))];
        value = this.primitiveCall(t.op, args, t.decl.span, set.module);
        if (value.kind === 'error') break;
      }
      if (value.kind === 'tensor') values.set(f.name, value);
    }
    void module;
    return values;
  }

  abort(): never {
    throw new AbortElaboration();
  }

  static isAbort(e: unknown): boolean {
    return e instanceof AbortElaboration;
  }
}

// ---- helpers ------------------------------------------------------------------------------

export function isTensorTypeRef(t: A.TypeRef): boolean {
  return (dtypes as readonly string[]).includes(t.name.name) && t.name.name !== 'string' && t.dims.length > 0 && !(t.name.name === 'bool' && t.dims[0]!.dims.length === 0);
}

function printType(t: A.TypeRef): string {
  return `${t.name.name}${t.dims.map((d) => `[${d.dims.map(printExpr).join(', ')}]`).join('')}`;
}

function operatorSpan(expr: A.BinaryExpr, env: Env): Span {
  const between = env.module.source.text.slice(expr.left.span.end, expr.right.span.start);
  const at = between.indexOf(expr.operator);
  return at < 0 ? expr.span : { start: expr.left.span.end + at, end: expr.left.span.end + at + expr.operator.length };
}

export function attrToValue(a: AttrValue): Value {
  if (a === null) return { kind: 'none' };
  if (typeof a === 'number') return Number.isInteger(a) ? { kind: 'int', value: a } : { kind: 'float', value: a };
  if (typeof a === 'boolean') return { kind: 'bool', value: a };
  if (typeof a === 'string') return { kind: 'string', value: a };
  if (Array.isArray(a)) return { kind: 'list', elements: a.map(attrToValue) };
  return { kind: 'config', name: String((a as Record<string, AttrValue>)['fn'] ?? 'record'), args: a as Record<string, AttrValue>, positional: [] };
}

function remapTensors(v: Value, map: ReadonlyMap<number, TensorValue>): Value {
  switch (v.kind) {
    case 'tensor':
      return map.get(v.node) ?? v;
    case 'list':
      return { kind: 'list', elements: v.elements.map((e) => remapTensors(e, map)) };
    case 'features':
    case 'labels':
      return { ...v, fields: new Map([...v.fields].map(([k, t]) => [k, t === null ? null : (remapTensors(t, map) as TensorValue)])) };
    default:
      return v;
  }
}

function sliceList(xs: readonly Value[], start: number | null, stop: number | null, step: number): Value[] {
  const n = xs.length;
  const norm = (i: number | null, fallback: number): number => (i === null ? fallback : i < 0 ? Math.max(0, i + n) : Math.min(i, n));
  const out: Value[] = [];
  if (step > 0) for (let i = norm(start, 0); i < norm(stop, n); i += step) out.push(xs[i]!);
  else for (let i = start === null ? n - 1 : norm(start, n - 1); i > (stop === null ? -1 : norm(stop, 0)); i += step) if (xs[i]) out.push(xs[i]!);
  return out;
}

/** Compile-time arithmetic, comparison and list operations; undefined when a tensor is involved or no rule applies. */
export function foldBinary(op: BinaryOp, l: Value, r: Value): Value | undefined {
  const num = (v: Value): v is { kind: 'int' | 'float'; value: number } => v.kind === 'int' || v.kind === 'float';
  if (num(l) && num(r)) {
    const bothInt = l.kind === 'int' && r.kind === 'int';
    const a = l.value;
    const b = r.value;
    const n = (value: number, int = bothInt): Value => (int ? { kind: 'int', value } : { kind: 'float', value });
    switch (op) {
      case '+': return n(a + b);
      case '-': return n(a - b);
      case '*': return n(a * b);
      case '/': return bothInt && b !== 0 && a % b === 0 ? n(a / b) : n(a / b, false);
      case '%': return n(((a % b) + b) % b);
      case '^': return n(a ** b, bothInt && b >= 0);
      case '==': return { kind: 'bool', value: a === b };
      case '!=': return { kind: 'bool', value: a !== b };
      case '<': return { kind: 'bool', value: a < b };
      case '<=': return { kind: 'bool', value: a <= b };
      case '>': return { kind: 'bool', value: a > b };
      case '>=': return { kind: 'bool', value: a >= b };
      case '..':
        if (!bothInt) return undefined;
        return { kind: 'list', elements: Array.from({ length: Math.max(0, Math.min(b - a, maxLoopIterations + 1)) }, (_, i) => ({ kind: 'int' as const, value: a + i })) };
      default: return undefined;
    }
  }
  if (l.kind === 'bool' && r.kind === 'bool') {
    if (op === 'and') return { kind: 'bool', value: l.value && r.value };
    if (op === 'or') return { kind: 'bool', value: l.value || r.value };
    if (op === '==') return { kind: 'bool', value: l.value === r.value };
    if (op === '!=') return { kind: 'bool', value: l.value !== r.value };
  }
  if (l.kind === 'string' && r.kind === 'string') {
    if (op === '+') return { kind: 'string', value: l.value + r.value };
    if (op === '==') return { kind: 'bool', value: l.value === r.value };
    if (op === '!=') return { kind: 'bool', value: l.value !== r.value };
  }
  if (l.kind === 'list' && r.kind === 'list' && op === '+') return { kind: 'list', elements: [...l.elements, ...r.elements] };
  if (op === '*' && ((l.kind === 'list' && r.kind === 'int') || (l.kind === 'int' && r.kind === 'list'))) {
    const [list, times] = l.kind === 'list' ? [l, (r as { value: number }).value] : [r as { elements: readonly Value[] }, l.value];
    if (times * list.elements.length > maxLoopIterations) return undefined;
    return { kind: 'list', elements: Array.from({ length: Math.max(0, times) }, () => list.elements).flat() };
  }
  return undefined;
}

export { tensor };
export type { TensorType };
