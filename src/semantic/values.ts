import type * as A from '../syntax/ast.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { ModuleInfo } from './moduleInfo.js';
import type { FeatureSet } from './checkedModel.js';
import type { PrimitiveSchema } from './primitives.js';
import { formatType, type SparseType, type TensorType } from '../tensor/types.js';

/**
 * What an expression evaluates to at compile time. Numbers, strings, booleans and lists
 * are computed; tensors are nodes of the function being elaborated; blocks, primitives
 * and builtins are callables; a feature set is a record of its (transformed) features.
 */
export type Value =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly elements: readonly Value[] }
  | TensorValue
  | { readonly kind: 'features'; readonly set: FeatureSet; readonly fields: ReadonlyMap<string, TensorValue | null> }
  | { readonly kind: 'labels'; readonly set: FeatureSet; readonly fields: ReadonlyMap<string, TensorValue | null> }
  /** `shared`: made by `shared(block, "name")`, whose calls all use one set of parameters named `name/...`. */
  | { readonly kind: 'block'; readonly decl: A.BlockDecl; readonly module: ModuleInfo; readonly shared?: string }
  | { readonly kind: 'model'; readonly decl: A.ModelDecl; readonly module: ModuleInfo }
  | { readonly kind: 'primitive'; readonly schema: PrimitiveSchema }
  | { readonly kind: 'builtin'; readonly name: string }
  | {
      readonly kind: 'config';
      readonly name: string;
      readonly args: Readonly<Record<string, AttrValue>>;
      readonly positional: readonly AttrValue[];
    }
  | { readonly kind: 'metric'; readonly name: string; readonly node: number }
  | { readonly kind: 'module'; readonly module: ModuleInfo }
  | { readonly kind: 'error' };

export interface TensorValue {
  readonly kind: 'tensor';
  readonly node: number;
  readonly type: TensorType | SparseType;
}

export const errorValue: Value = { kind: 'error' };

/** How a value is named in messages: `int`, `f32[B, 64]`, `block `dense``. */
export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return `\`${formatType(v.type)}\``;
    case 'list':
      return 'a list';
    case 'features':
      return `features \`${v.set.name}\``;
    case 'labels':
      return `labels \`${v.set.name}\``;
    case 'block':
      return `block \`${v.decl.name.name}\``;
    case 'model':
      return `model \`${v.decl.name.name}\``;
    case 'primitive':
      return `op \`${v.schema.name}\``;
    case 'builtin':
      return `builtin \`${v.name}\``;
    case 'config':
      return `\`${v.name}(...)\``;
    case 'metric':
      return `metric \`${v.name}\``;
    case 'module':
      return `module \`${v.module.name}\``;
    default:
      return v.kind;
  }
}

/** The attribute form of a compile-time value, or undefined for tensors and callables. */
export function toAttr(v: Value): AttrValue | undefined {
  switch (v.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'string':
      return v.value;
    case 'none':
      return null;
    case 'list': {
      const out: AttrValue[] = [];
      for (const e of v.elements) {
        const a = toAttr(e);
        if (a === undefined) return undefined;
        out.push(a);
      }
      return out;
    }
    case 'config':
      return { fn: v.name, args: v.args, positional: v.positional };
    case 'block':
      return v.decl.name.name;
    case 'primitive':
      return v.schema.name;
    case 'builtin':
      return v.name;
    default:
      return undefined;
  }
}
