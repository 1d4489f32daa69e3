/**
 * docs/language.md against the compiler's own tables, so that a new kind, transform,
 * builtin, setting, constructor or standard-library block cannot go undocumented, and a
 * removed one cannot stay: the tables of the page list exactly what
 * src/semantic/featureKinds.ts, src/semantic/builtins.ts and stdlib/*.bird declare. And
 * every construct of the kitchen sink (test/cases/kitchen-sink/input.bird, which uses
 * every AST node kind and operator) appears in one of the page's ```bird examples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test } from '@jest/globals';
import { compileTimeBuiltins, configConstructors, trainSettings } from '../../src/semantic/builtins.js';
import { featureKinds, transformOps } from '../../src/semantic/featureKinds.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import type * as A from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { visit } from '../../src/syntax/visitor.js';
import { docItems, repoRoot } from './docBlocks.js';

const page = readFileSync(join(repoRoot, 'docs', 'language.md'), 'utf8');

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const at = page.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`docs/language.md has no heading \`${heading}\``);
  const level = /^#+/.exec(heading)![0].length;
  const rest = page.slice(at + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The cells of each row of the first table of a section, the header and rule left out. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

/** The name a first cell gives: `discrete(n)` -> discrete, `csv(path, ...)` -> csv. */
const cellName = (cell: string): string => /^`([\w.]+)/.exec(cell)?.[1] ?? cell;
const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

test('Feature kinds: a row per kind, with its arguments and roles', () => {
  const rows = tableRows(section('### Feature kinds'));
  expect(rows.map((r) => cellName(r[0]!)).sort()).toEqual([...featureKinds.keys()].sort());
  for (const row of rows) {
    const kind = featureKinds.get(cellName(row[0]!))!;
    expect({
      kind: kind.name,
      args: codeSpans(row[1]!)
        .filter((s) => /^\w+:/.test(s))
        .map((s) => s.split(':')[0]!),
    }).toEqual({ kind: kind.name, args: kind.params.map((p) => p.name) });
    expect({ kind: kind.name, roles: row[4]!.split(/,\s*/) }).toEqual({ kind: kind.name, roles: [...kind.roles] });
  }
});

test('Transforms: a row per transform, naming its op', () => {
  const rows = tableRows(section('### Transforms'));
  expect(Object.fromEntries(rows.map((r) => [cellName(r[0]!), cellName(r[1]!)]))).toEqual(Object.fromEntries(transformOps));
});

test('Compile-time builtins: each is described', () => {
  const text = section('## Compile-time builtins');
  expect(compileTimeBuiltins.filter((name) => !text.includes(`\`${name}(`))).toEqual([]);
});

test('Settings: a row per train setting', () => {
  expect(
    tableRows(section('### Settings'))
      .map((r) => cellName(r[0]!))
      .sort(),
  ).toEqual([...trainSettings.keys()].sort());
});

test('Constructors: a row per constructor, listing exactly the arguments it accepts', () => {
  const rows = tableRows(section('### Constructors'));
  const documented = Object.fromEntries(rows.map((r) => [cellName(r[0]!), codeSpans(r[1]!).sort()]));
  expect(documented).toEqual(Object.fromEntries([...configConstructors].map(([name, args]) => [name, [...args].sort()])));
});

/** `name(params) -> type` of a block, as written in its file, on one line. */
function blockHeader(source: string, block: A.BlockDecl): string {
  return source.slice(block.name.span.start, block.body.span.start).replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/,? \)/g, ')').trim();
}

test('Standard library: a row per block of each module, with its parameters as declared', () => {
  const problems: string[] = [];
  for (const file of readdirSync(join(repoRoot, 'stdlib')).filter((f) => f.endsWith('.bird'))) {
    const module = basename(file, '.bird');
    const source = readFileSync(join(repoRoot, 'stdlib', file), 'utf8');
    const blocks = parse(new SourceFile(file, source)).module.items.filter((i): i is A.BlockDecl => i.kind === 'BlockDecl');
    const documented = tableRows(section(`### \`std.${module}\``)).map((r) => codeSpans(r[0]!)[0]!);
    const declared = blocks.map((b) => blockHeader(source, b));
    for (const header of declared)
      if (!documented.includes(header)) problems.push(`std.${module}: \`${header}\` is not documented as declared`);
    for (const header of documented)
      if (!declared.includes(header)) problems.push(`std.${module}: \`${header}\` is documented but not declared`);
  }
  expect(problems).toEqual([]);
});

/** The constructs of a tree: each node kind, and each operator with the kind it is in. */
function constructs(module: A.Module, into: Set<string>): void {
  visit(module, {
    enter(node) {
      const operator = (node as { operator?: string }).operator;
      into.add(operator === undefined ? node.kind : `${node.kind} ${operator}`);
    },
  });
}

test('every construct of the kitchen sink appears in an example of language.md', () => {
  const kitchenSink = join(repoRoot, 'test', 'cases', 'kitchen-sink', 'input.bird');
  const wanted = new Set<string>();
  constructs(parse(new SourceFile('input.bird', readFileSync(kitchenSink, 'utf8'))).module, wanted);
  const shown = new Set<string>();
  for (const item of docItems('docs/language.md'))
    if (item.kind === 'fence' && item.lang === 'bird') constructs(parse(new SourceFile('example.bird', item.text)).module, shown);
  expect(wanted.size).toBeGreaterThan(30);
  expect([...wanted].filter((c) => !shown.has(c)).sort()).toEqual([]);
});
