import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import { printExpr } from '../../syntax/printer.js';
import type { Env } from '../env.js';
import type { ModuleInfo } from '../moduleInfo.js';
import { dtypes, formatType, type DType, type Dim } from '../../tensor/types.js';
import { errorValue, type TensorValue, type Value } from '../values.js';
import type { ElabContext } from './context.js';
import { foldBinary } from './foldBinary.js';

/** Whether a declared type is a tensor type (`f32[B, D]`, `bool[B]`) rather than a compile-time one. */
export function isTensorTypeRef(t: A.TypeRef): boolean {
  return (
    (dtypes as readonly string[]).includes(t.name.name) &&
    t.name.name !== 'string' &&
    t.dims.length > 0 &&
    !(t.name.name === 'bool' && t.dims[0]!.dims.length === 0)
  );
}

export function printType(t: A.TypeRef): string {
  return `${t.name.name}${t.dims.map((d) => `[${d.dims.map(printExpr).join(', ')}]`).join('')}`;
}

/** Checks a value against a parameter's declared type, binding shape symbols in `dims`. */
export function checkParam(
  cx: ElabContext,
  value: Value,
  p: A.Param,
  env: Env,
  dims: Map<string, Dim>,
  decl: A.BlockDecl | A.ModelDecl,
  module: ModuleInfo,
  at: Span,
): Value {
  if (value.kind === 'error') return value;
  const t = p.type;
  if (isTensorTypeRef(t)) {
    if (value.kind !== 'tensor' && value.kind !== 'int' && value.kind !== 'float')
      return cx.mismatch(`a tensor \`${printType(t)}\``, value, module, at);
    if (value.kind !== 'tensor') return value;
    return unifyTensor(cx, value, t, env, dims, module, at, `parameter \`${p.name.name}\``, decl.name.name);
  }
  return checkCompileTimeType(cx, value, t, module, at);
}

/** Checks a compile-time value against `int`, `float[]`, a features type, ...; an int given for a float becomes a float. */
export function checkCompileTimeType(cx: ElabContext, value: Value, t: A.TypeRef, module: ModuleInfo, at: Span): Value {
  const name = t.name.name;
  const listDepth = t.dims.filter((d) => d.dims.length === 0).length;
  const probe: Value = value;
  for (let i = 0; i < listDepth; i++) {
    if (probe.kind !== 'list') return cx.mismatch(`\`${printType(t)}\``, value, module, at);
    const elements = probe.elements;
    for (const e of elements) {
      const ok = checkCompileTimeType(cx, e, { ...t, dims: t.dims.slice(1) }, module, at);
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
    cx.report('notCompileTime', { what: `a value of type \`${name}\`` }, module, at);
    return errorValue;
  }
  return cx.mismatch(`\`${printType(t)}\``, value, module, at);
}

/** Matches a tensor's dtype and shape against a declared type, binding its shape symbols in `dims`. */
function unifyTensor(
  cx: ElabContext,
  value: TensorValue,
  t: A.TypeRef,
  env: Env,
  dims: Map<string, Dim>,
  module: ModuleInfo,
  at: Span,
  what: string,
  callee: string,
): Value {
  const expectedDtype = t.name.name as DType;
  const actual = value.type;
  const report = (): Value => {
    cx.report(
      'parameterShapeMismatch',
      { param: what.replace(/^parameter `|`$/g, ''), callee, expected: describeTypeRef(t, env, dims), found: formatType(actual) },
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
    const expected = evalDim(d, env, dims);
    if (expected === undefined) continue;
    if (expected !== got) return report();
  }
  return value;
}

/** A dimension expression's value: an int from the scope, a bound symbol, or arithmetic of those. */
function evalDim(d: A.Expr, env: Env, dims: ReadonlyMap<string, Dim>): Dim | undefined {
  if (d.kind === 'NameExpr') {
    const v = env.lookup(d.name)?.value;
    if (v?.kind === 'int') return v.value;
    return dims.get(d.name) ?? (v === undefined ? undefined : undefined);
  }
  if (d.kind === 'NumberLiteral' && d.isInteger) return d.value;
  if (d.kind === 'BinaryExpr') {
    const l = evalDim(d.left, env, dims);
    const r = evalDim(d.right, env, dims);
    if (typeof l !== 'number' || typeof r !== 'number') return undefined;
    const v = foldBinary(d.operator, { kind: 'int', value: l }, { kind: 'int', value: r });
    return v?.kind === 'int' ? v.value : undefined;
  }
  return undefined;
}

function describeTypeRef(t: A.TypeRef, env: Env, dims: ReadonlyMap<string, Dim>): string {
  const shape = (t.dims[0]?.dims ?? []).map((d) => {
    const v = evalDim(d, env, dims);
    return v === undefined ? printExpr(d) : String(v);
  });
  return `${t.name.name}[${shape.join(', ')}]`;
}

/** Checks a block's result against its declared return type, with the shape symbols its parameters bound. */
export function checkReturn(
  cx: ElabContext,
  value: Value,
  decl: A.BlockDecl,
  env: Env,
  dims: Map<string, Dim>,
  module: ModuleInfo,
  at: Span,
): Value {
  const t = decl.returnType!;
  if (!isTensorTypeRef(t)) return checkCompileTimeType(cx, value, t, module, at);
  if (value.kind !== 'tensor') return cx.mismatch(`a tensor \`${printType(t)}\``, value, module, at);
  const expected = describeTypeRef(t, env, dims);
  const pattern = t.dims[0]?.dims ?? [];
  const actual = value.type;
  const fits =
    actual.kind === 'tensor' &&
    actual.dtype === t.name.name &&
    actual.shape.length === pattern.length &&
    pattern.every((d, i) => {
      if (d.kind === 'NameExpr' && d.name === '_') return true;
      const v = evalDim(d, env, dims);
      return v === undefined || v === actual.shape[i];
    });
  if (!fits) {
    cx.report('returnShapeMismatch', { name: decl.name.name, found: formatType(actual), expected }, module, at, {
      label: `this is \`${formatType(actual)}\``,
      secondary: [secondaryLabel('declaredHere', {}, module.source, t.span)],
    });
    return errorValue;
  }
  return value;
}
