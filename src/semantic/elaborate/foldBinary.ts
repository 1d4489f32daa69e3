import type * as A from '../../syntax/ast.js';
import type { Value } from '../values.js';
import { maxLoopIterations } from './limits.js';

/** Compile-time arithmetic, comparison and list operations; undefined when a tensor is involved or no rule applies. */
export function foldBinary(op: A.BinaryOperator, l: Value, r: Value): Value | undefined {
  const num = (v: Value): v is { kind: 'int' | 'float'; value: number } => v.kind === 'int' || v.kind === 'float';
  if (num(l) && num(r)) {
    const bothInt = l.kind === 'int' && r.kind === 'int';
    const a = l.value;
    const b = r.value;
    const n = (value: number, int = bothInt): Value => (int ? { kind: 'int', value } : { kind: 'float', value });
    switch (op) {
      case '+':
        return n(a + b);
      case '-':
        return n(a - b);
      case '*':
        return n(a * b);
      case '/':
        return bothInt && b !== 0 && a % b === 0 ? n(a / b) : n(a / b, false);
      case '%':
        return n(((a % b) + b) % b);
      case '^':
        return n(a ** b, bothInt && b >= 0);
      case '==':
        return { kind: 'bool', value: a === b };
      case '!=':
        return { kind: 'bool', value: a !== b };
      case '<':
        return { kind: 'bool', value: a < b };
      case '<=':
        return { kind: 'bool', value: a <= b };
      case '>':
        return { kind: 'bool', value: a > b };
      case '>=':
        return { kind: 'bool', value: a >= b };
      case '..':
        if (!bothInt) return undefined;
        return {
          kind: 'list',
          elements: Array.from({ length: Math.max(0, Math.min(b - a, maxLoopIterations + 1)) }, (_, i) => ({
            kind: 'int' as const,
            value: a + i,
          })),
        };
      default:
        return undefined;
    }
  }
  if (l.kind === 'bool' && r.kind === 'bool') {
    if (op === 'and') return { kind: 'bool', value: l.value && r.value };
    if (op === 'or') return { kind: 'bool', value: l.value || r.value };
    if (op === '==') return { kind: 'bool', value: l.value === r.value };
    if (op === '!=') return { kind: 'bool', value: l.value !== r.value };
  }
  if (l.kind === 'string' && r.kind === 'string') {
    if (op === '+') return { kind: 'string', value: l.value + r.value };
    if (op === '==') return { kind: 'bool', value: l.value === r.value };
    if (op === '!=') return { kind: 'bool', value: l.value !== r.value };
  }
  if (l.kind === 'list' && r.kind === 'list' && op === '+') return { kind: 'list', elements: [...l.elements, ...r.elements] };
  if (op === '*' && ((l.kind === 'list' && r.kind === 'int') || (l.kind === 'int' && r.kind === 'list'))) {
    const [list, times] = l.kind === 'list' ? [l, (r as { value: number }).value] : [r as { elements: readonly Value[] }, l.value];
    if (times * list.elements.length > maxLoopIterations) return undefined;
    return { kind: 'list', elements: Array.from({ length: Math.max(0, times) }, () => list.elements).flat() };
  }
  return undefined;
}
