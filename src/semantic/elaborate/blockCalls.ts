import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type { Span } from '../../source/span.js';
import type * as A from '../../syntax/ast.js';
import { Env } from '../env.js';
import type { ElabFunction } from '../graph.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { Dim } from '../../tensor/types.js';
import { describeValue, errorValue, toAttr, type TensorValue, type Value } from '../values.js';
import { ReturnSignal, type ArgValue, type ElabContext } from './context.js';
import { callSteps, maxCallDepth, valueSize } from './limits.js';
import { bindArgs } from './opCalls.js';
import { checkParam, checkReturn, isTensorTypeRef } from './unify.js';

/**
 * Calls a block. Compile-time arguments and input types select (or create) an instance
 * function; tensor arguments become its inputs. A block whose result is not a tensor
 * runs inline, as a compile-time function.
 */
export function blockCall(
  cx: ElabContext,
  decl: A.BlockDecl,
  module: ModuleInfo,
  args: readonly ArgValue[],
  site: A.Expr,
  env: Env,
  shared?: string,
): Value {
  const callee = `block \`${decl.name.name}\``;
  const bound = bindArgs(
    cx,
    decl.params.map((p) => ({ name: p.name.name, required: p.default === null })),
    args,
    callee,
    env.module,
    site.span,
  );
  if (!bound) return errorValue;
  cx.spend(callSteps, env.module, site.span);
  if (cx.depth >= maxCallDepth) {
    cx.report('recursionLimit', { limit: String(maxCallDepth) }, env.module, site.span);
    cx.abort();
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
      value = cx.eval(p.default!, inner);
      span = p.default!.span;
    }
    // Checking a list against its type and keying it are a walk over its elements.
    if (value.kind === 'list') cx.spend(valueSize(value), env.module, site.span);
    value = checkParam(cx, value, p, inner, dims, decl, given ? env.module : module, span);
    if (value.kind === 'error') return errorValue;
    inner.set(p.name.name, value, p.name.span);
    keyParts.push(p.name.name, specializationKey(value, tensorInputs));
  }
  // Dimensions bound by the parameter types (`D` in `x: f32[B, D]`) are usable in the body.
  for (const [name, d] of dims)
    if (typeof d === 'number' && inner.lookup(name) === undefined) inner.set(name, { kind: 'int', value: d }, null);
  const returnsTensor = decl.returnType !== null && isTensorTypeRef(decl.returnType);
  cx.enter('call', env.module, site.span);
  cx.depth++;
  cx.callStack.push({ module: env.module, span: site.span, block: decl.name.name });
  // Parameters inside the block are named by the block's own assignments, not the caller's.
  const savedTarget = cx.assignTarget;
  cx.assignTarget = null;
  try {
    const key = JSON.stringify([module.path, decl.name.name, keyParts]);
    // A failed call is not run again with the same arguments (see failedInstances).
    if (cx.failedInstances.has(key)) return errorValue;
    if (!returnsTensor) {
      const value = runBody(cx, decl, inner, dims, module);
      if (value.kind === 'error') cx.failedInstances.add(key);
      return value;
    }
    let instance = cx.instances.get(key);
    if (!instance) {
      const created = instantiate(cx, decl, module, inner, dims, tensorInputs);
      if (!created) {
        cx.failedInstances.add(key);
        return errorValue;
      }
      instance = created;
      cx.instances.set(key, instance);
    }
    const resultType = instance.nodes[instance.result]!.type;
    if (shared !== undefined) {
      // Every call of one shared name reads one set of parameters, so each must make the same
      // ones: the same instance, or one that differs only where no parameter depends on it
      // (an embedding table over token lists of two lengths).
      const params = paramSignature(cx, instance);
      const first = cx.sharedCalls.get(shared);
      if (!first) cx.sharedCalls.set(shared, { params, module: env.module, span: site.span });
      else if (first.params !== params) {
        cx.report('sharedBlockMismatch', { name: shared, block: decl.name.name }, env.module, site.span, {
          label: 'other parameters',
          secondary: [secondaryLabel('firstCalledHere', {}, first.module.source, first.span)],
        });
        return errorValue;
      }
    }
    const scope = shared ?? scopeName(cx, decl.name.name);
    cx.called(instance, env.module, site.span);
    return cx.emit(
      'call',
      tensorInputs.map((t) => t.node),
      shared === undefined ? { fn: instance.name, scope } : { fn: instance.name, scope, shared: true },
      resultType,
      cx.origin(env.module, site.span),
    );
  } finally {
    cx.depth--;
    cx.callStack.pop();
    cx.running.pop();
    cx.assignTarget = savedTarget;
  }
}

/**
 * The parameters an instance makes, with the instances it calls, as one string: each one's
 * name under its call path (as the inline pass names it), type and attributes. Two calls of
 * a shared name may read one set of parameters when these agree.
 */
function paramSignature(cx: ElabContext, fn: ElabFunction): string {
  const byName = new Map(cx.functions.map((f) => [f.name, f]));
  const params: unknown[] = [];
  const walk = (f: ElabFunction, path: string): void => {
    for (const n of f.nodes) {
      if (n.op === 'param') params.push([`${path}${String(n.attrs['name'])}`, n.type, n.attrs]);
      else if (n.op === 'call') {
        const inner = byName.get(String(n.attrs['fn']));
        // A nested shared call is scoped by its own name, wherever it is.
        if (inner) walk(inner, n.attrs['shared'] === true ? `${String(n.attrs['scope'])}/` : `${path}${String(n.attrs['scope'])}/`);
      }
    }
  };
  walk(fn, '');
  return JSON.stringify(params);
}

/** `dense_0`, `dense_1`, ...: call-site names, unique within the calling function. */
function scopeName(cx: ElabContext, block: string): string {
  const key = `${cx.fn.name}/${block}`;
  const n = cx.instanceCounts.get(key) ?? 0;
  cx.instanceCounts.set(key, n + 1);
  return `${block}_${n}`;
}

/** Replaces each tensor in a value by an input placeholder, collecting the tensors. */
function specializationKey(value: Value, tensors: TensorValue[]): unknown {
  switch (value.kind) {
    case 'tensor':
      tensors.push(value);
      return { tensor: value.type };
    case 'list':
      return value.elements.map((e) => specializationKey(e, tensors));
    case 'features':
    case 'labels':
      return {
        [value.kind]: value.set.name,
        fields: [...value.fields].map(([k, t]) => [k, t === null ? null : specializationKey(t, tensors)]),
      };
    case 'block':
      // A shared block makes other parameters than the plain one, so it is another instance.
      return { block: value.decl.name.name, module: value.module.path, shared: value.shared ?? null };
    default:
      return toAttr(value) ?? value.kind;
  }
}

/** Makes a block instance: runs the body with nodes going into a new function whose `arg` nodes stand for the tensor arguments. */
function instantiate(
  cx: ElabContext,
  decl: A.BlockDecl,
  module: ModuleInfo,
  inner: Env,
  dims: Map<string, Dim>,
  tensorInputs: readonly TensorValue[],
): ElabFunction | null {
  // The name is taken before the body runs: a block that calls itself makes its inner
  // instances first, and each needs a name of its own.
  const count = cx.instanceNames.get(decl.name.name) ?? 0;
  cx.instanceNames.set(decl.name.name, count + 1);
  const instance: ElabFunction = {
    name: count === 0 ? decl.name.name : `${decl.name.name}$${count}`,
    block: decl.name.name,
    nodes: [],
    result: -1,
  };
  const finished = cx.inFunction(instance, (): boolean => {
    // Inside the instance, each tensor argument is read through an `arg` node.
    const argNodes = new Map<number, TensorValue>();
    tensorInputs.forEach((t, i) => argNodes.set(t.node, cx.emit('arg', [], { index: i }, t.type, null)));
    for (const name of inner.names()) {
      const b = inner.lookup(name)!;
      b.value = remapTensors(b.value, argNodes);
    }
    const result = runBody(cx, decl, inner, dims, module);
    if (result.kind === 'error') return false;
    if (result.kind !== 'tensor') {
      cx.report('typeMismatch', { expected: 'a tensor', found: describeValue(result) }, module, decl.returnType!.span, {
        label: 'declared to return a tensor',
      });
      return false;
    }
    instance.result = result.node;
    return true;
  });
  if (!finished) return null;
  cx.functions.push(instance);
  return instance;
}

/** Runs a block's body to its `return`, checking the value against the declared return type. */
function runBody(cx: ElabContext, decl: A.BlockDecl, env: Env, dims: Map<string, Dim>, module: ModuleInfo): Value {
  try {
    cx.execBody(decl.body, env);
  } catch (signal) {
    if (!(signal instanceof ReturnSignal)) throw signal;
    return decl.returnType ? checkReturn(cx, signal.value, decl, env, dims, module, signal.span) : signal.value;
  }
  cx.report(
    'missingReturn',
    { name: decl.name.name },
    module,
    { start: decl.body.span.end - 1, end: decl.body.span.end },
    { label: 'the block ends here' },
  );
  return errorValue;
}

/** A value with tensors of the caller replaced by the instance's `arg` nodes. */
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
