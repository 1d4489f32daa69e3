import type { IrFunction, IrNode } from '../ir.js';
import type { Pass } from './pass.js';
import { remapReferences } from './renumber.js';

/**
 * Expands every `call` into a copy of its function's body, so the backends see one flat
 * graph. Copies get the call path as their `scope` (`mlp_0/dense_1`), and parameters get
 * it as a name prefix, which makes every parameter name unique in the model.
 */
export const inlinePass: Pass = {
  name: 'inline',
  run(graph) {
    const functions = new Map<string, IrFunction>(graph.functions.map((f) => [f.name, f]));
    const out: IrNode[] = [];
    const emit = (n: IrNode, inputs: readonly number[], scope: string): number => {
      const attrs = n.op === 'param' && scope !== '' ? { ...n.attrs, name: `${scope}/${String(n.attrs['name'])}` } : n.attrs;
      out.push({ ...n, id: out.length, inputs, attrs, scope });
      return out.length - 1;
    };
    const expand = (nodes: readonly IrNode[], args: readonly number[], scope: string): number[] => {
      const ids: number[] = [];
      for (const n of nodes) {
        const inputs = n.inputs.map((i) => ids[i]!);
        if (n.op === 'arg') ids.push(args[Number(n.attrs['index'])]!);
        else if (n.op === 'call') {
          const fn = functions.get(String(n.attrs['fn']))!;
          const inner = scope === '' ? String(n.attrs['scope']) : `${scope}/${String(n.attrs['scope'])}`;
          ids.push(expand(fn.nodes, inputs, inner)[fn.result]!);
        } else ids.push(emit(n, inputs, scope === '' ? n.scope : scope));
      }
      return ids;
    };
    const ids = expand(graph.nodes, [], '');
    return remapReferences({ ...graph, functions: [], nodes: out }, (id) => ids[id]!);
  },
};
