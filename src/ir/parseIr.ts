import type { AttrValue } from '../tensor/attrValue.js';
import type { DType, Dim } from '../tensor/types.js';
import type { IrFeature, IrFunction, IrGraph, IrNode, IrSignature, IrTrain, IrType } from './ir.js';

export class IrSyntaxError extends Error {
  override readonly name = 'IrSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Reads one JSON value at `text[from]`, returning it and where it ends. */
function readJson(text: string, from: number, line: number): { value: unknown; end: number } {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return { value: JSON.parse(text.slice(from, i + 1)) as unknown, end: i + 1 };
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return { value: JSON.parse(text.slice(from, i + 1)) as unknown, end: i + 1 };
    }
  }
  throw new IrSyntaxError('unterminated JSON', line);
}

export function parseType(text: string, line: number): IrType {
  const sparse = /^sparse<(string|id), (\d+)(, weighted)?>$/.exec(text);
  if (sparse) return { kind: 'sparse', keys: sparse[1] as 'string' | 'id', vocab: Number(sparse[2]), weighted: sparse[3] !== undefined };
  const m = /^(f32|i32|i64|bool|string)\[([^\]]*)\](?:\/(\d+))?$/.exec(text);
  if (!m) throw new IrSyntaxError(`bad type \`${text}\``, line);
  const shape: Dim[] = m[2] === '' ? [] : m[2]!.split(', ').map((d) => (/^-?\d+$/.test(d) ? Number(d) : d));
  return m[3] === undefined
    ? { kind: 'tensor', dtype: m[1] as DType, shape }
    : { kind: 'tensor', dtype: m[1] as DType, shape, vocab: Number(m[3]) };
}

function parseNode(text: string, line: number): IrNode {
  const head = /^\s*%(\d+): (.+?) = ([a-z_0-9]+)\(([^)]*)\)/.exec(text);
  if (!head) throw new IrSyntaxError('expected a node `%N: TYPE = op(...)`', line);
  let rest = head[0].length;
  let attrs: Record<string, AttrValue> = {};
  if (text[rest] === ' ' && text[rest + 1] === '{') {
    const json = readJson(text, rest + 1, line);
    attrs = json.value as Record<string, AttrValue>;
    rest = json.end;
  }
  let loc: string | null = null;
  let scope = '';
  const tail = text.slice(rest);
  if (tail !== '') {
    const m = /^ #(?: ("(?:[^"\\]|\\.)*"))?(?: in ("(?:[^"\\]|\\.)*"))?$/.exec(tail);
    if (!m) throw new IrSyntaxError(`unexpected text \`${tail}\``, line);
    if (m[1] !== undefined) loc = JSON.parse(m[1]) as string;
    if (m[2] !== undefined) scope = JSON.parse(m[2]) as string;
  }
  const inputs =
    head[4] === ''
      ? []
      : head[4]!.split(', ').map((s) => {
          if (!/^%\d+$/.test(s)) throw new IrSyntaxError(`bad input \`${s}\``, line);
          return Number(s.slice(1));
        });
  return { id: Number(head[1]), op: head[3]!, type: parseType(head[2]!, line), inputs, attrs, loc, scope };
}

/** Reads the text form written by `printIr`. */
export function parseIr(text: string): IrGraph {
  const lines = text.split('\n');
  const header = /^bird-ir (\d+) ("(?:[^"\\]|\\.)*")$/.exec(lines[0] ?? '');
  if (!header) throw new IrSyntaxError('expected `bird-ir VERSION "MODEL"`', 1);
  const features: IrFeature[] = [];
  const functions: IrFunction[] = [];
  let nodes: IrNode[] = [];
  const outputs: { name: string; node: number }[] = [];
  let train: IrTrain | null = null;
  const signatures: IrSignature[] = [];
  let open: { kind: 'func'; name: string; block: string; result: number; nodes: IrNode[] } | { kind: 'main'; nodes: IrNode[] } | null =
    null;
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    const n = i + 1;
    if (text === '') continue;
    if (open) {
      if (text === '}') {
        if (open.kind === 'func') functions.push({ name: open.name, block: open.block, nodes: open.nodes, result: open.result });
        else nodes = open.nodes;
        open = null;
      } else open.nodes.push(parseNode(text, n));
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^feature %(\d+) (\{.*\})$/.exec(text))) {
      features.push({ ...(JSON.parse(m[2]!) as Omit<IrFeature, 'node'>), node: Number(m[1]) });
    } else if ((m = /^func ("(?:[^"\\]|\\.)*") block ("(?:[^"\\]|\\.)*") result %(\d+) \{$/.exec(text))) {
      open = { kind: 'func', name: JSON.parse(m[1]!) as string, block: JSON.parse(m[2]!) as string, result: Number(m[3]), nodes: [] };
    } else if (text === 'main {') {
      open = { kind: 'main', nodes: [] };
    } else if ((m = /^output ("(?:[^"\\]|\\.)*") %(\d+)$/.exec(text))) {
      outputs.push({ name: JSON.parse(m[1]!) as string, node: Number(m[2]) });
    } else if ((m = /^train (\{.*\})$/.exec(text))) {
      train = JSON.parse(m[1]!) as IrTrain;
    } else if ((m = /^signature (\{.*\})$/.exec(text))) {
      signatures.push(JSON.parse(m[1]!) as IrSignature);
    } else {
      throw new IrSyntaxError(`unexpected line \`${text}\``, n);
    }
  }
  if (open) throw new IrSyntaxError('missing `}`', lines.length);
  return { version: Number(header[1]), model: JSON.parse(header[2]!) as string, features, functions, nodes, outputs, train, signatures };
}
