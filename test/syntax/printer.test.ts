import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { renderDiagnostics } from '../../src/diagnostics/renderDiagnostic.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import type { Comment, Module } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/printer.js';
import { visit } from '../../src/syntax/visitor.js';
import { expectGolden } from '../helpers/golden.js';
import { stripSpans } from '../helpers/stripSpans.js';

const cases = join(import.meta.dirname, '..', 'cases');

function parseClean(path: string, text: string): Module {
  const result = parse(new SourceFile(path, text));
  expect(renderDiagnostics(result.diagnostics)).toBe('');
  return result.module;
}

function commentTexts(module: Module): string[] {
  const texts: string[] = [];
  const take = (cs: readonly Comment[] | undefined): void => {
    for (const c of cs ?? []) texts.push(c.text);
  };
  visit(module, {
    enter(node) {
      const n = node as { trivia?: { leading: readonly Comment[]; trailing: readonly Comment[] }; endComments?: readonly Comment[] };
      take(n.trivia?.leading);
      take(n.trivia?.trailing);
      take(n.endComments);
    },
  });
  return texts.sort();
}

/** Every comment token in the text, found by the lexer's own rules (so none can hide). */
function commentsIn(text: string): string[] {
  const result = parse(new SourceFile('x.bird', text));
  return commentTexts(result.module);
}

describe('kitchen sink', () => {
  const text = readFileSync(join(cases, 'kitchen-sink', 'input.bird'), 'utf8');
  const module = parseClean('kitchen-sink.bird', text);

  test('is already in canonical format', () => {
    expect(print(module)).toBe(text);
  });

  test('printing then parsing gives the same tree', () => {
    const reparsed = parseClean('printed.bird', print(module));
    expect(stripSpans(reparsed)).toEqual(stripSpans(module));
  });

  test('keeps every comment', () => {
    const lineComments = text.match(/\/\/[^\n]*/g) ?? [];
    const blockComments = text.match(/\/\*[\s\S]*?\*\//g) ?? [];
    expect(commentTexts(module)).toEqual([...lineComments, ...blockComments].sort());
  });

  test('uses every kind of node', () => {
    const kinds = new Set<string>();
    visit(module, { enter: (n) => void kinds.add(n.kind) });
    const all = [
      'Module',
      'Pragma',
      'ImportDecl',
      'ImportName',
      'ConstDecl',
      'FeaturesDecl',
      'LabelsDecl',
      'FieldDecl',
      'Application',
      'BlockDecl',
      'ModelDecl',
      'Param',
      'TypeRef',
      'DimList',
      'TrainDecl',
      'SignatureDecl',
      'SemverLiteral',
      'SignatureEntry',
      'SignatureItem',
      'Body',
      'AssignStmt',
      'OutStmt',
      'ForStmt',
      'IfStmt',
      'ReturnStmt',
      'ExprStmt',
      'NumberLiteral',
      'StringLiteral',
      'BoolLiteral',
      'NameExpr',
      'ListExpr',
      'UnaryExpr',
      'BinaryExpr',
      'Argument',
      'CallExpr',
      'MemberExpr',
      'IndexExpr',
      'SliceExpr',
      'PipeExpr',
      'Identifier',
    ];
    expect([...kinds].sort()).toEqual(all.sort());
  });
});

describe('formatter golden cases', () => {
  const dir = join(cases, 'fmt');
  test.each(readdirSync(dir).sort())('%s', (name) => {
    const input = readFileSync(join(dir, name, 'input.bird'), 'utf8');
    const module = parseClean(`${name}.bird`, input);
    const once = print(module);
    expectGolden(join(dir, name, 'output.bird'), once);
    // Idempotent, faithful and lossless.
    const again = parseClean('once.bird', once);
    expect(print(again)).toBe(once);
    expect(stripSpans({ ...again, trivia: undefined })).toEqual(stripSpans(module));
    expect(commentsIn(once)).toEqual(commentsIn(input));
    expect(commentsIn(input).length).toBe((input.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? []).length);
  });

  test('long lines break within the width', () => {
    const out = readFileSync(join(dir, 'long-lines', 'output.bird'), 'utf8');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
