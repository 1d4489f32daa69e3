import type { Span } from '../../source/span.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import { configConstructors } from '../builtins.js';
import type { ModuleInfo } from '../moduleInfo.js';
import { errorValue, toAttr, type Value } from '../values.js';
import type { ArgValue, ElabContext } from './context.js';
import { maxLoopIterations } from './limits.js';
import { argumentNameFix } from './arguments.js';
import { bindArgs } from './opCalls.js';

export function builtinCall(cx: ElabContext, name: string, args: readonly ArgValue[], module: ModuleInfo, at: Span): Value {
  const values = args.map((a) => a.value);
  const first = values[0];
  switch (name) {
    case 'range': {
      const bound = bindArgs(
        cx,
        [
          { name: 'start', required: true },
          { name: 'stop', required: false },
          { name: 'step', required: false },
        ],
        args,
        '`range`',
        module,
        at,
      );
      if (!bound) return errorValue;
      const nums = ['start', 'stop', 'step']
        .map((k) => bound.get(k))
        .map((a) => (a === undefined ? undefined : a.value.kind === 'int' ? a.value.value : null));
      if (nums.some((n) => n === null))
        return cx.mismatch(
          'integers',
          values.find((v) => v.kind !== 'int')!,
          module,
          at,
        );
      const [a, b, step] = nums as (number | undefined)[];
      const [lo, hi] = b === undefined ? [0, a!] : [a!, b];
      return rangeList(cx, lo, hi, step ?? 1, module, at);
    }
    case 'vocab_size':
      if (first?.kind === 'tensor' && (first.type.kind === 'sparse' || first.type.vocab !== undefined))
        return { kind: 'int', value: first.type.kind === 'sparse' ? first.type.vocab : first.type.vocab! };
      return cx.mismatch('an id tensor (from `hash`, `vocab`, `bucketize` or a `discrete` feature)', first ?? errorValue, module, at);
    case 'shape':
      if (first?.kind === 'tensor' && first.type.kind === 'tensor') {
        return {
          kind: 'list',
          elements: first.type.shape.map((d): Value => (typeof d === 'number' ? { kind: 'int', value: d } : { kind: 'string', value: d })),
        };
      }
      return cx.mismatch('a dense tensor', first ?? errorValue, module, at);
    case 'rank':
      if (first?.kind === 'tensor' && first.type.kind === 'tensor') return { kind: 'int', value: first.type.shape.length };
      return cx.mismatch('a dense tensor', first ?? errorValue, module, at);
    case 'assert': {
      const [cond, message] = values;
      if (cond?.kind !== 'bool' || (message !== undefined && message.kind !== 'string'))
        return cx.mismatch('`assert(condition, "message")`', cond ?? errorValue, module, at);
      if (!cond.value)
        cx.report('assertionFailed', { message: message?.value ?? 'assertion failed' }, module, at, { label: 'this assertion failed' });
      return { kind: 'none' };
    }
    case 'len':
      if (first?.kind === 'list' && values.length === 1) return { kind: 'int', value: first.elements.length };
      if (first?.kind === 'string' && values.length === 1) return { kind: 'int', value: first.value.length };
      return cx.mismatch('one list', first ?? errorValue, module, at);
    case 'int':
      if ((first?.kind === 'int' || first?.kind === 'float') && values.length === 1) return { kind: 'int', value: Math.trunc(first.value) };
      return cx.mismatch('one number', first ?? errorValue, module, at);
    case 'float':
      if ((first?.kind === 'int' || first?.kind === 'float') && values.length === 1) return { kind: 'float', value: first.value };
      return cx.mismatch('one number', first ?? errorValue, module, at);
    case 'callable':
      if (values.length === 1) return { kind: 'bool', value: first!.kind === 'block' || first!.kind === 'primitive' };
      return cx.mismatch('one value', first ?? errorValue, module, at);
    case 'shared': {
      const [block, name] = values;
      if (block?.kind !== 'block' || values.length !== 2) return cx.mismatch('`shared(block, "name")`', block ?? errorValue, module, at);
      if (name?.kind !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.value))
        return cx.mismatch('a name for the shared parameters, such as `"encoder"`', name ?? errorValue, module, at);
      return { ...block, shared: name.value };
    }
    default:
      return errorValue;
  }
}

export function rangeList(cx: ElabContext, lo: number, hi: number, step: number, module: ModuleInfo, at: Span): Value {
  if (step === 0) return cx.mismatch('a step other than 0', { kind: 'int', value: 0 }, module, at);
  const count = Math.max(0, Math.ceil((hi - lo) / step));
  if (count > maxLoopIterations) {
    cx.report('loopLimit', { limit: String(maxLoopIterations) }, module, at);
    return errorValue;
  }
  return cx.built(
    { kind: 'list', elements: Array.from({ length: count }, (_, i) => ({ kind: 'int' as const, value: lo + i * step })) },
    module,
    at,
  );
}

export function configCall(cx: ElabContext, name: string, args: readonly ArgValue[], module: ModuleInfo, at: Span): Value {
  const accepted = configConstructors.get(name) ?? [];
  const named: Record<string, AttrValue> = {};
  const positional: AttrValue[] = [];
  for (const a of args) {
    const value = a.value.kind === 'metric' ? a.value.name : toAttr(a.value);
    if (value === undefined) {
      if (a.value.kind === 'tensor') cx.report('notCompileTime', { what: `an argument of \`${name}\`` }, module, a.span);
      else cx.mismatch('a compile-time value', a.value, module, a.span);
      return errorValue;
    }
    if (a.name === null) positional.push(value);
    else if (!accepted.includes(a.name)) {
      const fix = argumentNameFix(a, a.name, accepted, module);
      cx.report(
        'unknownArgument',
        { callee: `\`${name}\``, name: a.name },
        module,
        a.span,
        fix ?? { help: `it takes ${accepted.map((p) => `\`${p}\``).join(', ') || 'no arguments'}` },
      );
      return errorValue;
    } else named[a.name] = value;
  }
  void at;
  return { kind: 'config', name, args: named, positional };
}
