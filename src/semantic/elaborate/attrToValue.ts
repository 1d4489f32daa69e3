import type { AttrValue } from '../../tensor/attrValue.js';
import type { Value } from '../values.js';

/** The compile-time value of an attribute (the inverse of `toAttr`). */
export function attrToValue(a: AttrValue): Value {
  if (a === null) return { kind: 'none' };
  if (typeof a === 'number') return Number.isInteger(a) ? { kind: 'int', value: a } : { kind: 'float', value: a };
  if (typeof a === 'boolean') return { kind: 'bool', value: a };
  if (typeof a === 'string') return { kind: 'string', value: a };
  if (Array.isArray(a)) return { kind: 'list', elements: a.map(attrToValue) };
  return {
    kind: 'config',
    name: String((a as Record<string, AttrValue>)['fn'] ?? 'record'),
    args: a as Record<string, AttrValue>,
    positional: [],
  };
}
