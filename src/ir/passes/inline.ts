import type { IrFunction, IrNode } from '../ir.js';
import type { Pass } from './pass.js';
import { remapReferences } from './renumber.js';

/**
 * Expands every `call` into a copy of its function's body, so the backends see one flat
 * graph. Copies get the call path as their `scope` (`mlp_0/dense_1`), and parameters get
 * it as a name prefix, which makes every parameter name unique in the model. A call of a
 * `shared(block, "name")` value is scoped by that name alone, wherever it is made, and
 * every call of it reads the parameters the first one made (the checker made sure all of
 * them make the same parameters, with the same names, types and initializers).
 */
export const inlinePass: Pass = {
  name: 'inline',
  run(graph) {
    const functions = new Map<string, IrFunction>(graph.functions.map((f) => [f.name, f]));
    const out: IrNode[] = [];
    const sharedParams = new Map<string, number>();
    const emit = (n: IrNode, inputs: readonly number[], scope: string, shared: boolean): number => {
      const attrs = n.op === 'param' && scope !== '' ? { ...n.attrs, name: `${scope}/${String(n.attrs['name'])}` } : n.attrs;
      const key = String(attrs['name']);
      if (shared && n.op === 'param' && sharedParams.has(key)) return sharedParams.get(key)!;
      out.push({ ...n, id: out.length, inputs, attrs, scope });
      if (shared && n.op === 'param') sharedParams.set(key, out.length - 1);
      return out.length - 1;
    };
    const expand = (nodes: readonly IrNode[], args: readonly number[], scope: string, shared = false): number[] => {
      const ids: number[] = [];
      for (const n of nodes) {
        const inputs = n.inputs.map((i) => ids[i]!);
        if (n.op === 'arg') ids.push(args[Number(n.attrs['index'])]!);
        else if (n.op === 'call') {
          const fn = functions.get(String(n.attrs['fn']))!;
          const own = n.attrs['shared'] === true;
          const inner = scope === '' || own ? String(n.attrs['scope']) : `${scope}/${String(n.attrs['scope'])}`;
          ids.push(expand(fn.nodes, inputs, inner, shared || own)[fn.result]!);
        } else ids.push(emit(n, inputs, scope === '' ? n.scope : scope, shared));
      }
      return ids;
    };
    const ids = expand(graph.nodes, [], '');
    return remapReferences({ ...graph, functions: [], nodes: out }, (id) => ids[id]!);
  },
};
