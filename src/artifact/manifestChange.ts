import type { Bump } from './versions.js';
import { tokenizerDefaults } from '../ops/textTokens.js';

/**
 * - `breaking`: a client must change what it sends or how it reads what it gets back.
 * - `compatible`: an existing client keeps working (a new optional input, output or signature).
 * - `patch`: no contract change (new weights, metrics, training data, label settings).
 */
export type ChangeKind = 'breaking' | 'compatible' | 'patch';

export interface ManifestChange {
  readonly kind: ChangeKind;
  /** The signature the change is in, when it is in one. */
  readonly signature?: string;
  /** The feature or label the change is in, when it is in one. */
  readonly feature?: string;
  /** Where, dotted: `serve.inputs.distance.dtype`, `features.origin.transforms[0].vocabulary`. */
  readonly path: string;
  readonly message: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** What each kind of change needs of the artifact version. */
export const changeBump: Readonly<Record<ChangeKind, Bump>> = { breaking: 'major', compatible: 'minor', patch: 'patch' };

/** JSON with sorted keys, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}

export const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** A step's or transform's arguments as compared: a `tokenize` written before its options existed has their defaults. */
export const comparedArgs = (op: string, args: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> =>
  op === 'tokenize' ? { ...tokenizerDefaults, ...args } : args;
export const show = (v: unknown): string => (typeof v === 'string' ? `\`${v}\`` : canonical(v));
export const shapeText = (s: readonly (number | string)[]): string => `[${s.join(', ')}]`;

export function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

/** The changes found so far, in the order the diff finds them. */
export class Collector {
  readonly changes: ManifestChange[] = [];
  add(change: ManifestChange): void {
    this.changes.push(change);
  }
}
