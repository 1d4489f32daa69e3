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
  const leading = holders.map((): A.Comment[] => []);
  const trailing = holders.map((): A.Comment[] => []);
  const inside = holders.map((): A.Comment[] => []);
  const end: A.Comment[] = [];
  let h = 0;
  for (const c of comments) {
    while (h < holders.length && holders[h]!.span.end <= c.span.start) h++;
    const prev = h > 0 ? h - 1 : -1;
    const holder = holders[h];
    if (holder && holder.span.start < c.span.start && c.span.start < holder.span.end) {
      inside[h]!.push(c);
    } else if (prev >= 0 && !hasNewline(text, holders[prev]!.span.end, c.span.start)) {
      trailing[prev]!.push(c);
    } else if (holder) {
      leading[h]!.push(c);
    } else {
      end.push(c);
    }
  }
  holders.forEach((holder, i) => {
    const moved: A.Comment[] = [];
    for (const nested of nestedScopes(holder)) {
      const within = inside[i]!.filter((c) => contains(nested.container.span, c.span));
      attach(nested, within, text);
    }
    for (const c of inside[i]!) {
      if (!nestedScopes(holder).some((n) => contains(n.container.span, c.span))) moved.push(c);
    }
    const firstStart = leading[i]![0]?.span.start ?? holder.span.start;
    const prevEnd = i > 0 ? lastEnd(holders[i - 1]!) : container.span.start;
    holder.trivia = {
      leading: [...leading[i]!, ...moved],
      trailing: trailing[i]!,
      blankLineBefore: i > 0 && blankLineBetween(text, prevEnd, firstStart),
    };
  });
  if (end.length > 0) container.endComments = end;
}

function lastEnd(holder: Holder): number {
  const t = holder.trivia?.trailing;
  return t && t.length > 0 ? t[t.length - 1]!.span.end : holder.span.end;
}

function contains(outer: A.Node['span'], inner: A.Node['span']): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function hasNewline(text: string, from: number, to: number): boolean {
  return /[\r\n]/.test(text.slice(from, to));
}

function blankLineBetween(text: string, from: number, to: number): boolean {
  return /\r?\n[ \t]*\r?\n/.test(text.slice(from, to));
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
