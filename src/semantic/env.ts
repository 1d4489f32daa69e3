import type { Span } from '../source/span.js';
import type { ModuleInfo } from './moduleInfo.js';
import type { Value } from './values.js';

export interface Binding {
  value: Value;
  readonly span: Span | null;
}

/** What a scope's code is: a model or block body, or the `train` section, whose names include the train constructors (`adam`, `csv`, ...). */
export type Section = 'body' | 'train';

/**
 * A scope of compile-time bindings. Bodies of `for` and `if` share their enclosing scope
 * (as in Python), so `h = dense(h, w)` in a loop updates the `h` outside it; each block
 * or model call gets a fresh scope whose parent is its module.
 */
export class Env {
  private readonly vars = new Map<string, Binding>();
  readonly module: ModuleInfo;
  readonly parent: Env | null;
  readonly section: Section;

  /** A scope inside `parent` is in the same section unless told otherwise. */
  constructor(module: ModuleInfo, parent: Env | null = null, section: Section = parent?.section ?? 'body') {
    this.module = module;
    this.parent = parent;
    this.section = section;
  }

  lookup(name: string): Binding | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  set(name: string, value: Value, span: Span | null): void {
    const existing = this.vars.get(name);
    if (existing) existing.value = value;
    else this.vars.set(name, { value, span });
  }

  names(): string[] {
    return [...this.vars.keys(), ...(this.parent?.names() ?? [])];
  }
}
