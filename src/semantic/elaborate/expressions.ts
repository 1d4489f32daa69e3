import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import { nameFix } from '../../diagnostics/suggest.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import { compileTimeBuiltins, configConstructors } from '../builtins.js';
import type { Env } from '../env.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import { describeValue, errorValue, type Value } from '../values.js';
import { argValue } from './arguments.js';
import { attrToValue } from './attrToValue.js';
import { blockCall } from './blockCalls.js';
import { builtinCall, configCall } from './builtinCalls.js';
import type { ArgValue, ElabContext } from './context.js';
import { foldBinary } from './foldBinary.js';
import { maxLoopIterations } from './limits.js';
import { lookup, symbolValue } from './names.js';
import { primitiveCall } from './opCalls.js';

const tensorBinaryOps: Readonly<Partial<Record<A.BinaryOperator, string>>> = {
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
 * Evaluates an expression: literals, lists and operators on compile-time values are
 * computed; operators on tensors, op calls and block calls emit nodes.
 */
export function evalExpr(cx: ElabContext, expr: A.Expr, env: Env): Value {
  cx.spend(1, env.module, expr.span);
  switch (expr.kind) {
    case 'NumberLiteral':
      return expr.isInteger ? { kind: 'int', value: expr.value } : { kind: 'float', value: expr.value };
    case 'StringLiteral':
      return { kind: 'string', value: expr.value };
    case 'BoolLiteral':
      return { kind: 'bool', value: expr.value };
    case 'NameExpr':
      return lookup(cx, expr, env);
    case 'ErrorExpr':
      return errorValue;
    case 'ListExpr': {
      const elements = expr.elements.map((e) => cx.eval(e, env));
      return elements.some((e) => e.kind === 'error') ? errorValue : cx.built({ kind: 'list', elements }, env.module, expr.span);
    }
    case 'UnaryExpr':
      return unary(cx, expr, env);
    case 'BinaryExpr':
      return binary(cx, expr, env);
    case 'MemberExpr':
      return member(cx, expr, env);
    case 'IndexExpr':
      return index(cx, expr, env);
    case 'CallExpr': {
      const callee = cx.eval(expr.callee, env);
      const args = expr.args.map((a) => argValue(cx, a, env));
      return call(cx, callee, args, expr, env);
    }
    case 'PipeExpr': {
      const input: ArgValue = { name: null, value: cx.eval(expr.input, env), span: expr.input.span };
      if (expr.stage.kind === 'CallExpr') {
        const callee = cx.eval(expr.stage.callee, env);
        const rest = expr.stage.args.map((a) => argValue(cx, a, env));
        return call(cx, callee, [input, ...rest], expr.stage, env);
      }
      return call(cx, cx.eval(expr.stage, env), [input], expr.stage, env);
    }
  }
}

function unary(cx: ElabContext, expr: A.UnaryExpr, env: Env): Value {
  const v = cx.eval(expr.operand, env);
  if (v.kind === 'error') return v;
  if (expr.operator === 'not') {
    if (v.kind === 'bool') return { kind: 'bool', value: !v.value };
    if (v.kind === 'tensor')
      return primitiveCall(cx, 'logical_not', [{ name: null, value: v, span: expr.operand.span }], expr.span, env.module);
  } else {
    const sign = expr.operator === '-' ? -1 : 1;
    if (v.kind === 'int' || v.kind === 'float') return { kind: v.kind, value: sign * v.value };
    if (v.kind === 'tensor')
      return sign === 1 ? v : primitiveCall(cx, 'neg', [{ name: null, value: v, span: expr.operand.span }], expr.span, env.module);
  }
  cx.report('invalidOperands', { op: expr.operator, left: describeValue(v), right: 'nothing' }, env.module, expr.span, {
    label: `\`${expr.operator}\` does not apply to ${describeValue(v)}`,
  });
  return errorValue;
}

function binary(cx: ElabContext, expr: A.BinaryExpr, env: Env): Value {
  const left = cx.eval(expr.left, env);
  // `and` / `or` on compile-time booleans short-circuit, so `i < len(xs) and xs[i] > 0` works.
  if ((expr.operator === 'and' || expr.operator === 'or') && left.kind === 'bool') {
    if (expr.operator === 'and' && !left.value) return left;
    if (expr.operator === 'or' && left.value) return left;
  }
  const right = cx.eval(expr.right, env);
  if (left.kind === 'error' || right.kind === 'error') return errorValue;
  if (expr.operator === '..' && left.kind === 'int' && right.kind === 'int' && right.value - left.value > maxLoopIterations) {
    cx.report('loopLimit', { limit: String(maxLoopIterations) }, env.module, expr.span);
    return errorValue;
  }
  const folded = foldBinary(expr.operator, left, right);
  if (folded !== undefined) return cx.built(folded, env.module, expr.span);
  const op = tensorBinaryOps[expr.operator];
  if (op && (left.kind === 'tensor' || right.kind === 'tensor')) {
    return primitiveCall(
      cx,
      op,
      [
        { name: null, value: left, span: expr.left.span },
        { name: null, value: right, span: expr.right.span },
      ],
      expr.span,
      env.module,
    );
  }
  cx.report(
    'invalidOperands',
    { op: expr.operator, left: describeValue(left), right: describeValue(right) },
    env.module,
    operatorSpan(expr, env),
    {
      label: 'no rule for these operands',
      secondary: [
        secondaryLabel('operandIs', { what: describeValue(left) }, env.module.source, expr.left.span),
        secondaryLabel('operandIs', { what: describeValue(right) }, env.module.source, expr.right.span),
      ],
    },
  );
  return errorValue;
}

function member(cx: ElabContext, expr: A.MemberExpr, env: Env): Value {
  const object = cx.eval(expr.object, env);
  const name = expr.member.name;
  switch (object.kind) {
    case 'features':
    case 'labels': {
      const field = object.fields.get(name);
      if (field !== undefined) {
        if (object.kind === 'features') cx.usedFeatures.add(name);
        // A field whose declaration failed is already reported.
        return field ?? errorValue;
      }
      const fix = nameFix(name, object.fields.keys(), env.module.source, expr.member.span);
      cx.report(
        'unknownField',
        { set: `${object.kind === 'features' ? 'features' : 'labels'} \`${object.set.name}\``, name },
        env.module,
        expr.member.span,
        fix ?? {},
      );
      return errorValue;
    }
    case 'module': {
      const symbol = object.module.values.get(name);
      if (symbol && symbol.kind !== 'module') return symbolValue(cx, symbol);
      const fix = nameFix(name, object.module.values.keys(), env.module.source, expr.member.span);
      cx.report('unknownImport', { module: `\`${object.module.name}\``, name }, env.module, expr.member.span, fix ?? {});
      return errorValue;
    }
    case 'error':
      return object;
    default:
      cx.report('unknownField', { set: describeValue(object), name }, env.module, expr.member.span, {
        help: 'only feature sets, label sets and modules have fields',
      });
      return errorValue;
  }
}

function index(cx: ElabContext, expr: A.IndexExpr, env: Env): Value {
  const object = cx.eval(expr.object, env);
  if (object.kind === 'error') return object;
  if (object.kind === 'list') {
    const only = expr.indices.length === 1 ? expr.indices[0]! : undefined;
    if (only && only.kind !== 'SliceExpr') {
      const i = cx.eval(only, env);
      if (i.kind !== 'int') return cx.mismatch('an integer index', i, env.module, only.span);
      const at = i.value < 0 ? i.value + object.elements.length : i.value;
      const element = object.elements[at];
      if (element === undefined) {
        cx.report('invalidIndex', { index: String(i.value), length: String(object.elements.length) }, env.module, only.span);
        return errorValue;
      }
      return element;
    }
    if (only && only.kind === 'SliceExpr') {
      const part = (e: A.Expr | null): number | null | undefined => {
        if (!e) return null;
        const v = cx.eval(e, env);
        if (v.kind === 'int') return v.value;
        cx.mismatch('an integer', v, env.module, e.span);
        return undefined;
      };
      const [start, stop, step] = [part(only.start), part(only.stop), part(only.step)];
      if (start === undefined || stop === undefined || step === undefined) return errorValue;
      return cx.built({ kind: 'list', elements: sliceList(object.elements, start, stop, step ?? 1) }, env.module, expr.span);
    }
  }
  if (object.kind === 'tensor') {
    const spec: AttrValue[] = [];
    for (const item of expr.indices) {
      if (item.kind === 'SliceExpr') {
        const part = (e: A.Expr | null): number | null => {
          if (!e) return null;
          const v = cx.eval(e, env);
          if (v.kind === 'int') return v.value;
          cx.mismatch('a compile-time integer', v, env.module, e.span);
          return null;
        };
        // A slice is `[start, stop, step]` (null where omitted); an index is a number.
        spec.push([part(item.start), part(item.stop), part(item.step) ?? 1]);
      } else {
        const v = cx.eval(item, env);
        if (v.kind !== 'int') return cx.mismatch('a compile-time integer index', v, env.module, item.span);
        spec.push(v.value);
      }
    }
    return primitiveCall(
      cx,
      'slice',
      [
        { name: null, value: object, span: expr.object.span },
        { name: 'spec', value: attrToValue(spec), span: expr.span },
      ],
      expr.span,
      env.module,
    );
  }
  return cx.mismatch('a list or a tensor to index', object, env.module, expr.object.span);
}

/** Calls an op, a block, a builtin or a train constructor with evaluated arguments. */
export function call(cx: ElabContext, callee: Value, args: readonly ArgValue[], site: A.Expr, env: Env): Value {
  if (callee.kind === 'error' || args.some((a) => a.value.kind === 'error')) return errorValue;
  const calleeSpan = site.kind === 'CallExpr' ? site.callee.span : site.span;
  switch (callee.kind) {
    case 'primitive':
      return primitiveCall(cx, callee.schema.name, args, site.span, env.module);
    case 'block':
      return blockCall(cx, callee.decl, callee.module, args, site, env, callee.shared);
    case 'builtin':
      return configConstructors.has(callee.name) && !(compileTimeBuiltins as readonly string[]).includes(callee.name)
        ? configCall(cx, callee.name, args, env.module, calleeSpan)
        : builtinCall(cx, callee.name, args, env.module, site.span);
    default:
      cx.report('notCallable', { what: describeValue(callee) }, env.module, calleeSpan, { label: 'called here' });
      return errorValue;
  }
}

function operatorSpan(expr: A.BinaryExpr, env: Env): Span {
  const between = env.module.source.text.slice(expr.left.span.end, expr.right.span.start);
  const at = between.indexOf(expr.operator);
  return at < 0 ? expr.span : { start: expr.left.span.end + at, end: expr.left.span.end + at + expr.operator.length };
}

function sliceList(xs: readonly Value[], start: number | null, stop: number | null, step: number): Value[] {
  const n = xs.length;
  const norm = (i: number | null, fallback: number): number => (i === null ? fallback : i < 0 ? Math.max(0, i + n) : Math.min(i, n));
  const out: Value[] = [];
  if (step > 0) for (let i = norm(start, 0); i < norm(stop, n); i += step) out.push(xs[i]!);
  else
    for (let i = start === null ? n - 1 : norm(start, n - 1); i > (stop === null ? -1 : norm(stop, 0)); i += step)
      if (xs[i]) out.push(xs[i]!);
  return out;
}
