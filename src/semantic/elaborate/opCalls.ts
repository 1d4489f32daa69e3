import { note, secondaryLabel, type SecondaryLabel } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { Origin } from '../graph.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { OperandType, PrimitiveParam } from '../primitives.js';
import { dtypes, formatType, tensor, type DType, type Dim, type TensorType } from '../../tensor/types.js';
import { errorValue, toAttr, type TensorValue, type Value } from '../values.js';
import { argumentNameFix } from './arguments.js';
import type { ArgValue, ElabContext } from './context.js';
import { valueSize } from './limits.js';

/** Matches arguments to parameters: positional first, then by name; reports what does not fit. */
export function bindArgs(
  cx: ElabContext,
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
    cx.report('wrongArgumentCount', { callee, count: String(params.length), given: String(positional.length) }, module, extra.span, {
      label: 'unexpected argument',
    });
    ok = false;
  }
  positional.slice(0, params.length).forEach((a, i) => bound.set(params[i]!.name, a));
  for (const a of args) {
    if (a.name === null) continue;
    if (!params.some((p) => p.name === a.name)) {
      const fix = argumentNameFix(
        a,
        a.name,
        params.map((p) => p.name),
        module,
      );
      cx.report(
        'unknownArgument',
        { callee, name: a.name },
        module,
        a.span,
        fix ?? { help: `its parameters are ${params.map((p) => `\`${p.name}\``).join(', ') || 'none'}` },
      );
      ok = false;
      continue;
    }
    const earlier = bound.get(a.name);
    if (earlier) {
      // Two named ones are reported by the rule `duplicate-arguments`.
      if (earlier.name === null) cx.report('duplicateArgument', { name: a.name }, module, a.span, { label: 'also given by position' });
      ok = false;
      continue;
    }
    bound.set(a.name, a);
  }
  // A misspelled name usually is the missing argument: report only the misspelling.
  const misspelled = args.some((a) => a.name !== null && !params.some((p) => p.name === a.name));
  for (const p of params) {
    if (p.required && !bound.has(p.name) && !misspelled) {
      cx.report('missingArgument', { name: p.name, callee }, module, at, { label: `\`${p.name}\` is required` });
      ok = false;
    }
  }
  return ok ? bound : null;
}

/** Calls a primitive op: tensors become inputs, everything else attributes; the op types the result. */
export function primitiveCall(cx: ElabContext, name: string, args: readonly ArgValue[], at: Span, module: ModuleInfo): Value {
  const schema = cx.primitives.get(name);
  if (!schema) {
    cx.report('internalError', { detail: `no primitive op \`${name}\`` }, module, at);
    return errorValue;
  }
  const bound = bindArgs(
    cx,
    schema.params.map((p) => ({ name: p.name, required: p.default === undefined })),
    args,
    `op \`${name}\``,
    module,
    at,
  );
  if (!bound) return errorValue;
  const inputs: number[] = [];
  const operands: Record<string, OperandType | OperandType[]> = {};
  const attrs: Record<string, AttrValue> = {};
  const spans = new Map<string, Span>();
  const origin = cx.origin(module, at);
  // Numbers given for tensor operands become constants of the other operands' dtype.
  const firstTensor = [...bound.values()]
    .map((a) => a.value)
    .find((v): v is TensorValue => v.kind === 'tensor' && v.type.kind === 'tensor');
  const constDtype: DType = firstTensor?.type.kind === 'tensor' && firstTensor.type.dtype !== 'string' ? firstTensor.type.dtype : 'f32';
  for (const p of schema.params) {
    const a = bound.get(p.name);
    if (a) spans.set(p.name, a.span);
    if (p.kind === 'tensor' || p.kind === 'sparse' || p.kind === 'ids') {
      if (!a) continue;
      const t = asTensor(cx, a.value, constDtype, origin);
      if (!t) return cx.mismatch(p.kind === 'sparse' ? 'sparse ids' : 'a tensor', a.value, module, a.span);
      inputs.push(t.node);
      operands[p.name] = t.type;
    } else if (p.kind === 'tensors') {
      if (!a) continue;
      if (a.value.kind !== 'list') return cx.mismatch('a list of tensors', a.value, module, a.span);
      const ts: OperandType[] = [];
      for (const e of a.value.elements) {
        const t = asTensor(cx, e, constDtype, origin);
        if (!t) return cx.mismatch('a list of tensors', e, module, a.span);
        inputs.push(t.node);
        ts.push(t.type);
      }
      operands[p.name] = ts;
      attrs[`${p.name}_count`] = ts.length;
    } else {
      const value = a ? attrArg(cx, a, p, module) : p.default;
      if (value === undefined) return errorValue;
      attrs[p.name] = value;
    }
  }
  if (schema.name === 'param' && attrs['name'] === null) attrs['name'] = cx.assignTarget ?? 'param';
  const result = schema.infer({ operands, attrs });
  if (!result.ok) {
    const labels: SecondaryLabel[] = (result.operands ?? []).flatMap((o) => {
      const span = spans.get(o);
      const t = operands[o];
      if (!span || !t) return [];
      return [
        secondaryLabel(
          'operandIs',
          { what: Array.isArray(t) ? t.map(formatType).join(', ') : formatType(t as OperandType) },
          module.source,
          span,
        ),
      ];
    });
    const attrSpan = result.attr ? spans.get(result.attr) : undefined;
    const primary = labels[0]?.span ?? attrSpan ?? at;
    const primaryLabel = labels[0]?.message ?? '';
    if (result.category === 'shape') {
      cx.report(
        'shapeMismatch',
        { op: name, shapes: labels.map((l) => `\`${l.message}\``).join(' and ') || result.message },
        module,
        primary,
        {
          label: primaryLabel,
          secondary: labels.slice(1),
          notes: [note('shapeRule', { reason: result.message })],
        },
      );
    } else {
      const help = kindBoundaryHelp(
        result.message,
        (result.operands ?? []).map((o) => operands[o]),
      );
      cx.report('opTypeError', { op: name, reason: result.message }, module, primary, {
        label: primaryLabel,
        secondary: labels.slice(1),
        ...(help ? { help } : {}),
      });
    }
    return errorValue;
  }
  return cx.emit(name, inputs, { ...attrs, ...(result.attrs ?? {}) }, result.type, origin);
}

/** A tensor operand from a tensor, or a constant tensor from a number or list of numbers. */
function asTensor(cx: ElabContext, v: Value, dtype: DType, origin: Origin | null): TensorValue | null {
  if (v.kind === 'tensor') return v;
  if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'list') return constant(cx, v, dtype, origin);
  return null;
}

export function attrArg(cx: ElabContext, a: ArgValue, p: PrimitiveParam, module: ModuleInfo): AttrValue | undefined {
  const v = a.value;
  // Turning a list into an attribute copies it.
  if (v.kind === 'list') cx.spend(valueSize(v), module, a.span);
  // `none` stands for "not given" where the parameter's default is null (fitted statistics, optional axes).
  if (v.kind === 'none' && p.default === null) return null;
  const fail = (expected: string): undefined => {
    if (v.kind === 'tensor') cx.report('notCompileTime', { what: `argument \`${p.name}\`` }, module, a.span);
    else cx.mismatch(expected, v, module, a.span);
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
      return v.kind === 'string' && (dtypes as readonly string[]).includes(v.value)
        ? v.value
        : fail(`a dtype name (${dtypes.map((d) => `"${d}"`).join(', ')})`);
    case 'ints':
      if (v.kind === 'int') return [v.value];
      return v.kind === 'list' && v.elements.every((e) => e.kind === 'int')
        ? (toAttr(v) ?? fail('a list of integers'))
        : fail('a list of integers');
    case 'floats':
      return v.kind === 'list' && v.elements.every((e) => e.kind === 'int' || e.kind === 'float')
        ? (toAttr(v) ?? fail('a list of numbers'))
        : fail('a list of numbers');
    case 'any':
      return toAttr(v) ?? fail('a compile-time value');
    default:
      return fail('a compile-time value');
  }
}

/** A scalar or small constant tensor from a compile-time number or list of numbers. */
function constant(cx: ElabContext, v: Value, dtype: DType, origin: Origin | null): TensorValue | null {
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
  return cx.emit('const', [], { value }, type, origin);
}

/**
 * The transform that crosses a kind boundary an op refused: strings (a `string` or `text`
 * feature) reach ops that take ids or numbers only through `vocab` or `hash` (text through
 * `tokens` first), and real numbers reach ops that take ids through `bucketize`.
 */
function kindBoundaryHelp(message: string, types: readonly unknown[]): string | undefined {
  const dtypes = types.flatMap((t) => (t && !Array.isArray(t) && (t as OperandType).kind === 'tensor' ? [(t as TensorType).dtype] : []));
  if (dtypes.includes('string') && !/continuous/.test(message)) {
    return "strings become ids in the feature's declaration: `|> vocab(max: 1000)` or `|> hash(bits: 18)` (a text feature: `|> tokens(max: 64) |> hash(bits: 18)`)";
  }
  if (dtypes.includes('f32') && /integer ids/.test(message))
    return "a real number becomes ids in the feature's declaration: `|> bucketize(bins: 10)`";
  return undefined;
}
