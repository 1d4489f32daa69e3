/**
 * A small Wadler-style document algebra for the formatter: `group` lays its contents out
 * flat when they fit in the line width and breaks every `line` inside it otherwise.
 */
export type Doc =
  | string
  | { readonly t: 'concat'; readonly parts: readonly Doc[] }
  | { readonly t: 'group'; readonly doc: Doc }
  | { readonly t: 'indent'; readonly doc: Doc }
  | { readonly t: 'line'; readonly flat: string }
  | { readonly t: 'hardline' }
  | { readonly t: 'ifBreak'; readonly broken: Doc; readonly flat: Doc }
  | { readonly t: 'lineSuffix'; readonly text: string };

export const concat = (...parts: Doc[]): Doc => ({ t: 'concat', parts });
export const group = (...parts: Doc[]): Doc => ({ t: 'group', doc: concat(...parts) });
export const indent = (...parts: Doc[]): Doc => ({ t: 'indent', doc: concat(...parts) });
/** A space when flat, a newline when broken. */
export const line: Doc = { t: 'line', flat: ' ' };
/** Nothing when flat, a newline when broken. */
export const softline: Doc = { t: 'line', flat: '' };
export const hardline: Doc = { t: 'hardline' };
export const ifBreak = (broken: Doc, flat: Doc = ''): Doc => ({ t: 'ifBreak', broken, flat });
/** Text at the end of a line, such as a trailing comment, that does not count toward the width. */
export const lineSuffix = (text: string): Doc => ({ t: 'lineSuffix', text });

export function join(separator: Doc, docs: readonly Doc[]): Doc {
  const parts: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) parts.push(separator);
    parts.push(d);
  });
  return concat(...parts);
}

type Mode = 'flat' | 'break';
interface Frame {
  readonly indent: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

/** Lays a document out in `width` columns with two-space indentation. */
export function layout(doc: Doc, width = 100): string {
  const out: string[] = [];
  let column = 0;
  const stack: Frame[] = [{ indent: 0, mode: 'break', doc }];
  while (stack.length > 0) {
    const { indent: ind, mode, doc: d } = stack.pop()!;
    if (typeof d === 'string') {
      out.push(d);
      column += d.length;
      continue;
    }
    switch (d.t) {
      case 'concat':
        for (let i = d.parts.length - 1; i >= 0; i--) stack.push({ indent: ind, mode, doc: d.parts[i]! });
        break;
      case 'indent':
        stack.push({ indent: ind + 2, mode, doc: d.doc });
        break;
      case 'group': {
        const flat = mode === 'flat' || fits(d.doc, width - column, stack);
        stack.push({ indent: ind, mode: flat ? 'flat' : 'break', doc: d.doc });
        break;
      }
      case 'line':
        if (mode === 'flat') {
          out.push(d.flat);
          column += d.flat.length;
        } else {
          trimTrailingSpaces(out);
          out.push('\n' + ' '.repeat(ind));
          column = ind;
        }
        break;
      case 'hardline':
        trimTrailingSpaces(out);
        out.push('\n' + ' '.repeat(ind));
        column = ind;
        break;
      case 'ifBreak':
        stack.push({ indent: ind, mode, doc: mode === 'break' ? d.broken : d.flat });
        break;
      case 'lineSuffix':
        out.push(d.text);
        column += d.text.length;
        break;
    }
  }
  return out.join('');
}

function trimTrailingSpaces(out: string[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    const trimmed = last.replace(/[ \t]+$/, '');
    if (trimmed.length === last.length) return;
    if (trimmed === '') out.pop();
    else {
      out[out.length - 1] = trimmed;
      return;
    }
  }
}

/** Whether `doc`, flat, and what follows it up to the next possible break fit in `room`. */
function fits(doc: Doc, room: number, rest: readonly Frame[]): boolean {
  const todo: { mode: Mode; doc: Doc }[] = [{ mode: 'flat', doc }];
  let restIndex = rest.length - 1;
  let left = room;
  while (left >= 0) {
    if (todo.length === 0) {
      if (restIndex < 0) return true;
      const f = rest[restIndex--]!;
      todo.push({ mode: f.mode, doc: f.doc });
      continue;
    }
    const { mode, doc: d } = todo.pop()!;
    if (typeof d === 'string') {
      left -= d.length;
      continue;
    }
    switch (d.t) {
      case 'concat':
        for (let i = d.parts.length - 1; i >= 0; i--) todo.push({ mode, doc: d.parts[i]! });
        break;
      case 'indent':
      case 'group':
        todo.push({ mode, doc: d.doc });
        break;
      case 'line':
        if (mode === 'break') return true;
        left -= d.flat.length;
        break;
      case 'hardline':
        return true;
      case 'ifBreak':
        todo.push({ mode, doc: mode === 'break' ? d.broken : d.flat });
        break;
      case 'lineSuffix':
        break;
    }
  }
  return false;
}
