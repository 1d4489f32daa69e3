import { neededNodes } from '../tensor/neededNodes.js';
import type { ElabFunction, ElabNode } from './graph.js';

/**
 * The features (by name) that nodes of a model's main function read, following block
 * calls into their instances, so an argument a block ignores does not count. Feature
 * inputs are the main function's `input` nodes with role `feature`.
 */
export function featuresNeeded(main: ElabFunction, functions: readonly ElabFunction[], roots: readonly number[]): Set<string> {
  const walk = new CallAwareWalk(functions);
  const features = new Set<string>();
  for (const id of walk.reach(main, roots)) {
    const node = main.nodes[id]!;
    if (node.op === 'input' && node.attrs['role'] === 'feature') features.add(String(node.attrs['name']));
  }
  return features;
}

/** The shared node walk over elaborated functions, entering a `call` only through the arguments its callee uses. */
class CallAwareWalk {
  private readonly byName: ReadonlyMap<string, ElabFunction>;
  private readonly argsMemo = new Map<string, ReadonlySet<number>>();

  constructor(functions: readonly ElabFunction[]) {
    this.byName = new Map(functions.map((fn) => [fn.name, fn]));
  }

  /** The ids of `fn`'s nodes that `roots` depend on. */
  reach(fn: ElabFunction, roots: readonly number[]): Set<number> {
    return neededNodes(fn.nodes, roots, undefined, (node) => this.follow(node));
  }

  private follow(node: ElabNode): readonly number[] {
    if (node.op !== 'call') return node.inputs;
    const callee = this.byName.get(String(node.attrs['fn']));
    if (!callee) return node.inputs;
    const used = this.argsUsed(callee);
    return node.inputs.filter((_, i) => used.has(i));
  }

  /** The indices of the arguments a block instance's result depends on. */
  private argsUsed(fn: ElabFunction): ReadonlySet<number> {
    const known = this.argsMemo.get(fn.name);
    if (known) return known;
    const used = new Set<number>();
    for (const id of this.reach(fn, [fn.result])) {
      const node = fn.nodes[id]!;
      if (node.op === 'arg') used.add(Number(node.attrs['index']));
    }
    this.argsMemo.set(fn.name, used);
    return used;
  }
}
