import type { IToken } from 'chevrotain';
import type * as A from './ast.js';

type Holder = { span: A.Node['span']; trivia?: A.Trivia };
type MutableContainer = { span: A.Node['span']; endComments?: readonly A.Comment[] };

interface Scope {
  readonly container: MutableContainer;
  readonly holders: readonly Holder[];
}

/**
 * Attaches comments to the statement-level nodes around them so the printer can put them
 * back: a comment on the line after a node's end is `trailing`; any other comment before a
 * node is `leading`; comments after a container's last node are its `endComments`. A
 * comment inside a node but outside any nested container (say, within a multi-line call)
 * becomes leading on that node: moved, never dropped. Also records blank lines before nodes.
 */
export function attachComments(module: A.Module, tokens: readonly IToken[], text: string): void {
  // Trailing blanks of a line comment are not part of it (the formatter would drop them anyway).
  const comments: A.Comment[] = tokens.map((t) => ({
    text: t.image.startsWith('//') ? t.image.trimEnd() : t.image,
    span: { start: t.startOffset, end: t.startOffset + t.image.length },
  }));
  comments.forEach((c, i) => {
    const nextStart = comments[i + 1]?.span.start ?? text.length;
    const gap = text.slice(c.span.end, nextStart);
    // Only a blank line before the next token counts, not the lines of code after it.
    const upToCode = gap.slice(0, gap.search(/\S/) === -1 ? gap.length : gap.search(/\S/));
    if (blankLineBetween(upToCode, 0, upToCode.length) || /^[ \t]*\r?\n[ \t]*\r?\n/.test(upToCode)) c.blankLineAfter = true;
  });
  attach(scopeOf(module), comments, text);
}

function attach(scope: Scope, comments: readonly A.Comment[], text: string): void {
  const { holders, container } = scope;
  // Most holders have no comments near them: their lists are made only when needed.
  const leading: (A.Comment[] | undefined)[] = [];
  const trailing: (A.Comment[] | undefined)[] = [];
  const inside: (A.Comment[] | undefined)[] = [];
  const end: A.Comment[] = [];
  let h = 0;
  for (const c of comments) {
    while (h < holders.length && holders[h]!.span.end <= c.span.start) h++;
    const prev = h > 0 ? h - 1 : -1;
    const holder = holders[h];
    if (holder && holder.span.start < c.span.start && c.span.start < holder.span.end) {
      listAt(inside, h).push(c);
    } else if (prev >= 0 && !hasNewline(text, holders[prev]!.span.end, c.span.start)) {
      listAt(trailing, prev).push(c);
    } else if (holder) {
      listAt(leading, h).push(c);
    } else {
      end.push(c);
    }
  }
  for (let i = 0; i < holders.length; i++) {
    const holder = holders[i]!;
    const within = inside[i];
    const nested = nestedScopes(holder);
    for (const n of nested) attach(n, within ? within.filter((c) => contains(n.container.span, c.span)) : [], text);
    const moved = within ? within.filter((c) => !nested.some((n) => contains(n.container.span, c.span))) : [];
    const before = leading[i] ?? [];
    const firstStart = before[0]?.span.start ?? holder.span.start;
    const prevEnd = i > 0 ? lastEnd(holders[i - 1]!) : container.span.start;
    holder.trivia = {
      leading: moved.length > 0 ? [...before, ...moved] : before,
      trailing: trailing[i] ?? [],
      blankLineBefore: i > 0 && blankLineBetween(text, prevEnd, firstStart),
    };
  }
  if (end.length > 0) container.endComments = end;
}

function listAt(lists: (A.Comment[] | undefined)[], index: number): A.Comment[] {
  return (lists[index] ??= []);
}

function lastEnd(holder: Holder): number {
  const t = holder.trivia?.trailing;
  return t && t.length > 0 ? t[t.length - 1]!.span.end : holder.span.end;
}

function contains(outer: A.Node['span'], inner: A.Node['span']): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

// Character loops rather than a regular expression on a slice: these run once per statement.
function hasNewline(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/** Whether `text[from, to)` holds an empty line: `\n`, then only blanks, then `\n` (or `\r\n`). */
function blankLineBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 10) continue;
    let j = i + 1;
    while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    if (j < to && text.charCodeAt(j) === 13) j++;
    if (j < to && text.charCodeAt(j) === 10) return true;
  }
  return false;
}

function scopeOf(node: A.Module | A.FeaturesDecl | A.LabelsDecl | A.SignatureDecl | A.Body): Scope {
  switch (node.kind) {
    case 'Module':
      return { container: node, holders: [...(node.pragma ? [node.pragma] : []), ...node.items] };
    case 'FeaturesDecl':
    case 'LabelsDecl':
      return { container: node, holders: node.fields };
    case 'SignatureDecl':
      return { container: node, holders: node.entries };
    case 'Body':
      return { container: node, holders: node.statements };
  }
}

/** The containers directly inside a statement-level node (a body, a field list). */
function nestedScopes(holder: Holder): Scope[] {
  const node = holder as A.Node;
  switch (node.kind) {
    case 'FeaturesDecl':
    case 'LabelsDecl':
    case 'SignatureDecl':
      return [scopeOf(node)];
    case 'BlockDecl':
    case 'ModelDecl':
    case 'TrainDecl':
    case 'ForStmt':
      return [scopeOf(node.body)];
    case 'IfStmt': {
      const scopes = [scopeOf(node.then)];
      let e = node.else;
      while (e) {
        if (e.kind === 'Body') {
          scopes.push(scopeOf(e));
          e = null;
        } else {
          scopes.push(scopeOf(e.then));
          e = e.else;
        }
      }
      return scopes;
    }
    default:
      return [];
  }
}
