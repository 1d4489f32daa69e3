import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  Lexer,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type IProduction,
  type TokenType,
} from 'chevrotain';
import { parserInstance } from './parserInstance.js';
import { allTokens } from './tokens.js';

/**
 * Files derived from the parser's grammar: `grammar/bird.ebnf` and `grammar/diagrams.html`.
 * They are committed so readers need not run anything, and a
 * test regenerates them and fails when they differ from the parser.
 */

const literalPattern = /^[\w]+$|^[^\w\s]+$/;

function tokenText(token: TokenType): string {
  const pattern = token.PATTERN;
  // A category token (`BinaryOperator`) matches nothing itself; its members are listed below.
  if (pattern === Lexer.NA) return token.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  if (pattern instanceof RegExp) {
    const source = pattern.source.replace(/\\(.)/g, '$1');
    if (literalPattern.test(source) && !/[[\]()*+?|]/.test(pattern.source.replace(/\\./g, ''))) return `'${source}'`;
  }
  return token.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function productionText(p: IProduction): string {
  if (p instanceof Terminal) return tokenText(p.terminalType);
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Alternative) return sequence(p.definition);
  if (p instanceof Option) return group(p.definition) + '?';
  if (p instanceof Repetition) return group(p.definition) + '*';
  if (p instanceof RepetitionMandatory) return group(p.definition) + '+';
  if (p instanceof RepetitionWithSeparator) {
    const item = sequence(p.definition);
    return `(${item} (${tokenText(p.separator)} ${item})*)?`;
  }
  if (p instanceof RepetitionMandatoryWithSeparator) {
    const item = sequence(p.definition);
    return `${item} (${tokenText(p.separator)} ${item})*`;
  }
  if (p instanceof Alternation) return `(${p.definition.map(productionText).join(' | ')})`;
  throw new Error(`unknown grammar production ${String(p.constructor.name)}`);
}

function sequence(parts: readonly IProduction[]): string {
  return parts.map(productionText).join(' ');
}

function group(parts: readonly IProduction[]): string {
  const onlyOne = parts.length === 1 ? parts[0] : undefined;
  const text = sequence(parts);
  if (onlyOne instanceof Terminal || onlyOne instanceof NonTerminal || onlyOne instanceof Alternation) return text;
  return `(${text})`;
}

const lexicalRules = [
  'IDENTIFIER ::= [A-Za-z_] [A-Za-z0-9_]*',
  'INTEGER    ::= [0-9] [0-9_]*',
  "FLOAT      ::= [0-9] [0-9_]* '.' [0-9] [0-9_]* ([eE] [+-]? [0-9] [0-9_]*)? | [0-9] [0-9_]* [eE] [+-]? [0-9] [0-9_]*",
  "STRING_LITERAL ::= '\"' ([^\"\\\\#xA#xD] | '\\\\' .)* '\"'",
  "SEMVER     ::= [0-9]+ '.' [0-9]+ '.' [0-9]+ ('-' [0-9A-Za-z.-]+)? ('+' [0-9A-Za-z.-]+)?",
  "comment    ::= '//' [^#xA#xD]* | '/*' .* '*/'",
];

/** The grammar in W3C EBNF notation, one production per parser rule, in rule order. */
export function grammarEbnf(): string {
  const rules = parserInstance().getGAstProductions();
  const lines = [
    '/* The Bird grammar (language version 1), in W3C EBNF notation.',
    ' * Generated from src/syntax/parser.ts by `npm run grammar`; a test fails when it is stale.',
    ' * Soft keywords (bird features labels model train inputs outputs as) are also',
    ' * IDENTIFIERs wherever the grammar does not expect the keyword. Whitespace separates',
    ' * tokens; newlines matter only where noted under Precedence. */',
    '',
  ];
  const width = Math.max(...Object.keys(rules).map((n) => n.length));
  for (const [name, rule] of Object.entries(rules)) {
    const body =
      rule.definition.length === 1 && rule.definition[0] instanceof Alternation
        ? rule.definition[0].definition.map(productionText).join(`\n${' '.repeat(width)}   | `)
        : sequence(rule.definition);
    lines.push(`${name.padEnd(width)} ::= ${body}`);
  }
  lines.push('', '/* Lexical grammar */', '');
  lines.push(...lexicalRules);
  const keywords = allTokens.filter((t) => t.LONGER_ALT !== undefined).map(tokenText);
  lines.push('', `/* Keywords: ${keywords.join(' ')} */`);
  for (const category of allTokens.filter((t) => t.PATTERN === Lexer.NA)) {
    const members = allTokens.filter((t) => t !== category && (t.CATEGORIES ?? []).includes(category)).map(tokenText);
    lines.push(`/* ${tokenText(category)}: ${members.join(' ')} */`);
  }
  lines.push(
    "/* Precedence, weakest first (applied by the AST builder to binaryExpr's flat run):",
    ' *   or; and; not (prefix); == != < <= > >= (no chaining); .. (no chaining); + -; * / % @;',
    ' *   - + (prefix); ^ (right-associative). Binary + and - continue an expression only on',
    ' *   the line where the previous token ends; a call ( or index [ likewise. */',
    '',
  );
  return lines.join('\n');
}

/** Railroad diagrams as one self-contained HTML page (scripts and styles inlined: readable offline). */
export function grammarDiagramsHtml(): string {
  const serialized = parserInstance().getSerializedGastProductions();
  const html = createSyntaxDiagramsCode(serialized, { resourceBase: 'RESOURCE/', css: 'RESOURCE/diagrams.css' });
  const require = createRequire(import.meta.url);
  // The package exports only its entry point, `lib/src/api.js`; the diagrams folder sits at its root.
  const root = join(dirname(require.resolve('chevrotain')), '..', '..', 'diagrams');
  const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');
  return html
    .replace(/<link rel='stylesheet' href='RESOURCE\/diagrams.css'>/, () => `<style>\n${read('diagrams.css')}\n</style>`)
    .replace(/<script src='RESOURCE\/([\w/.]+)'><\/script>/g, (_m, rel: string) => `<script>\n${read(rel)}\n</script>`);
}
