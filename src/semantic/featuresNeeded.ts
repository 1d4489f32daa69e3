import type { ElabFunction } from './graph.js';

/**
 * The features (by name) that nodes of a model's main function read, following block
 * calls into their instances, so an argument a block ignores does not count. Feature
 * inputs are the main function's `input` nodes with role `feature`.
 */
export function featuresNeeded(main: ElabFunction, functions: readonly ElabFunction[], roots: readonly number[]): Set<string> {
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const argsMemo = new Map<string, ReadonlySet<number>>();
  const features = new Set<string>();
  reach(main, roots, byName, argsMemo, { arg: () => undefined, feature: (name) => features.add(name) });
  return features;
}

interface Leaves {
  arg(index: number): void;
  feature(name: string): void;
}

/** Walks from `roots` back through `fn`'s nodes, reporting the `arg` and feature `input` nodes reached. */
function reach(fn: ElabFunction, roots: readonly number[], byName: ReadonlyMap<string, ElabFunction>, argsMemo: Map<string, ReadonlySet<number>>, leaves: Leaves): void {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = fn.nodes[id]!;
    if (node.op === 'arg') leaves.arg(Number(node.attrs['index']));
    else if (node.op === 'input' && node.attrs['role'] === 'feature') leaves.feature(String(node.attrs['name']));
    if (node.op === 'call') {
      const callee = byName.get(String(node.attrs['fn']));
      const used = callee ? argsUsed(callee, byName, argsMemo) : null;
      node.inputs.forEach((input, i) => {
        if (!used || used.has(i)) stack.push(input);
      });
    } else {
      stack.push(...node.inputs);
    }
  }
}

/** The indices of the arguments a block instance's result depends on. */
function argsUsed(fn: ElabFunction, byName: ReadonlyMap<string, ElabFunction>, argsMemo: Map<string, ReadonlySet<number>>): ReadonlySet<number> {
  const known = argsMemo.get(fn.name);
  if (known) return known;
  const used = new Set<number>();
  reach(fn, [fn.result], byName, argsMemo, { arg: (index) => used.add(index), feature: () => undefined });
  argsMemo.set(fn.name, used);
  return used;
}
