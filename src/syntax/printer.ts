import type * as A from './ast.js';
import { concat, group, hardline, ifBreak, indent, join, layout, line, lineSuffix, softline, type Doc } from './doc.js';
import { binaryPrec, Prec } from './precedence.js';

/**
 * Prints an AST as canonical Bird text: the one layout `bird fmt` writes. Comments and
 * single blank lines between statements come back from `trivia`; parentheses are
 * re-derived from precedence; lines longer than `width` break at commas and pipes.
 */
export function print(module: A.Module, width = 100): string {
  const text = layout(moduleDoc(module), width);
  // Only `\n` ends a line here: `$` with the `m` flag would also match before U+2028 inside a string.
  return text
    .replace(/[ \t]+(?=\n)/g, '')
    .replace(/\n*$/, '\n')
    .replace(/^\n+/, '');
}

/** Prints one expression on a single line, for messages and the IR's source notes. */
export function printExpr(expr: A.Expr): string {
  return layout(exprDoc(expr), Number.MAX_SAFE_INTEGER);
}

function moduleDoc(m: A.Module): Doc {
  const parts: Doc[] = [];
  const holders: (A.Pragma | A.Item)[] = [...(m.pragma ? [m.pragma] : []), ...m.items];
  holders.forEach((node, i) => {
    if (i > 0) {
      const prev = holders[i - 1]!;
      // Runs of imports or of constants stay together unless the author separated them.
      const tight = prev.kind === node.kind && (node.kind === 'ImportDecl' || node.kind === 'ConstDecl') && !node.trivia?.blankLineBefore;
      parts.push(hardline);
      if (!tight) parts.push(hardline);
    }
    parts.push(withTrivia(node, itemDoc(node)));
  });
  parts.push(endCommentsDoc(m.endComments, holders.length > 0));
  return concat(...parts);
}

function withTrivia(node: { trivia?: A.Trivia }, doc: Doc): Doc {
  const t = node.trivia;
  if (!t) return doc;
  const leading = t.leading.map((c) => concat(c.text, hardline, c.blankLineAfter ? hardline : ''));
  const trailing = t.trailing.map((c) => lineSuffix(` ${c.text}`));
  return concat(...leading, doc, ...trailing);
}

function endCommentsDoc(comments: readonly A.Comment[] | undefined, afterContent: boolean): Doc {
  if (!comments || comments.length === 0) return '';
  return concat(
    afterContent ? concat(hardline, hardline) : '',
    join(
      hardline,
      comments.map((c) => c.text),
    ),
  );
}

function itemDoc(node: A.Pragma | A.Item): Doc {
  switch (node.kind) {
    case 'Pragma':
      return `bird ${node.version}`;
    case 'ImportDecl': {
      const path = node.relativePath ? node.relativePath.raw : (node.path?.map((p) => p.name).join('.') ?? '');
      if (node.names === null) return `import ${path}`;
      if (node.names.length === 0) return `import ${path} {}`;
      const names = node.names.map((n) => (n.alias ? `${n.name.name} as ${n.alias.name}` : n.name.name));
      return group(`import ${path} {`, indent(line, join(concat(',', line), names)), ifBreak(','), line, '}');
    }
    case 'ConstDecl':
      return concat('const ', node.name.name, node.type ? concat(': ', typeDoc(node.type)) : '', ' = ', exprDoc(node.value));
    case 'FeaturesDecl':
    case 'LabelsDecl':
      return concat(node.kind === 'FeaturesDecl' ? 'features ' : 'labels ', node.name.name, ' ', fieldsDoc(node.fields, node.endComments));
    case 'BlockDecl':
    case 'ModelDecl': {
      const params = node.params.map((p) => concat(p.name.name, ': ', typeDoc(p.type), p.default ? concat(' = ', exprDoc(p.default)) : ''));
      return concat(
        group(
          node.kind === 'BlockDecl' ? 'block ' : 'model ',
          node.name.name,
          '(',
          indent(softline, join(concat(',', line), params)),
          params.length > 0 ? ifBreak(',') : '',
          softline,
          ')',
        ),
        node.returnType ? concat(' -> ', typeDoc(node.returnType)) : '',
        ' ',
        bodyDoc(node.body),
      );
    }
    case 'TrainDecl':
      return concat('train ', node.model.name, ' ', bodyDoc(node.body));
    case 'SignatureDecl': {
      const entries = node.entries.map((e) =>
        withTrivia(
          e,
          group(
            e.direction,
            indent(
              line,
              join(
                concat(',', line),
                e.items.map((i) => concat(exprDoc(i.value, Prec.Postfix), i.alias ? ` as ${i.alias.name}` : '')),
              ),
            ),
          ),
        ),
      );
      return concat(
        'signature ',
        node.name.name,
        ' @ ',
        node.version.text,
        node.model ? ` for ${node.model.name}` : '',
        ' ',
        bracedLines(entries, node.entries, node.endComments),
      );
    }
  }
}

/** `{`, one line per child (a blank line kept where the source had one), end comments, `}`. */
function bracedLines(docs: readonly Doc[], nodes: readonly { trivia?: A.Trivia }[], endComments: readonly A.Comment[] | undefined): Doc {
  if (docs.length === 0 && (!endComments || endComments.length === 0)) return '{}';
  const inner: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0 && nodes[i]?.trivia?.blankLineBefore) inner.push(hardline);
    inner.push(hardline, d);
  });
  for (const c of endComments ?? []) inner.push(hardline, c.text);
  return concat('{', indent(...inner), hardline, '}');
}

function fieldsDoc(fields: readonly A.FieldDecl[], endComments: readonly A.Comment[] | undefined): Doc {
  // Names are padded so the colons line up within each run of fields not split by a blank line.
  const widths: number[] = [];
  let runStart = 0;
  fields.forEach((f, i) => {
    if (i > 0 && f.trivia?.blankLineBefore) runStart = i;
    widths[i] = runStart;
  });
  const runWidth = new Map<number, number>();
  fields.forEach((f, i) => runWidth.set(widths[i]!, Math.max(runWidth.get(widths[i]!) ?? 0, f.name.name.length)));
  const docs = fields.map((f, i) => {
    const name = f.name.name.padEnd(runWidth.get(widths[i]!) ?? 0);
    const head = concat(name, ' : ', applicationDoc(f.fieldKind), f.default ? concat(' = ', exprDoc(f.default, Prec.Or)) : '');
    const pipeline = f.transforms.map((t) => concat(line, '|> ', applicationDoc(t)));
    return withTrivia(f, group(head, indent(...pipeline)));
  });
  return bracedLines(docs, fields, endComments);
}

function applicationDoc(a: A.Application): Doc {
  return a.args === null ? a.name.name : concat(a.name.name, argsDoc(a.args));
}

function typeDoc(t: A.TypeRef): Doc {
  return concat(
    t.name.name,
    ...t.dims.map((d) =>
      concat(
        '[',
        join(
          ', ',
          d.dims.map((e) => exprDoc(e, Prec.Additive)),
        ),
        ']',
      ),
    ),
  );
}

function bodyDoc(body: A.Body): Doc {
  return bracedLines(
    body.statements.map((s) => withTrivia(s, stmtDoc(s))),
    body.statements,
    body.endComments,
  );
}

function stmtDoc(s: A.Stmt): Doc {
  switch (s.kind) {
    case 'AssignStmt':
      return concat(s.target.name, ' = ', exprDoc(s.value));
    case 'OutStmt':
      return s.value ? concat('out ', s.name.name, ' = ', exprDoc(s.value)) : `out ${s.name.name}`;
    case 'ExprStmt':
      return exprDoc(s.expr);
    case 'ReturnStmt':
      return concat('return ', exprDoc(s.value));
    case 'ForStmt':
      return concat('for ', s.variable.name, ' in ', exprDoc(s.iterable), ' ', bodyDoc(s.body));
    case 'IfStmt':
      return ifDoc(s);
  }
}

function ifDoc(s: A.IfStmt): Doc {
  const head = concat('if ', exprDoc(s.condition), ' ', bodyDoc(s.then));
  if (s.else === null) return head;
  return concat(head, ' else ', s.else.kind === 'IfStmt' ? ifDoc(s.else) : bodyDoc(s.else));
}

function precOf(e: A.Expr): Prec {
  switch (e.kind) {
    case 'PipeExpr':
      return Prec.Pipe;
    case 'BinaryExpr':
      return binaryPrec[e.operator];
    case 'UnaryExpr':
      return e.operator === 'not' ? Prec.Not : Prec.Unary;
    default:
      return Prec.Postfix;
  }
}

function exprDoc(e: A.Expr, min: Prec = Prec.Pipe): Doc {
  const doc = bareExprDoc(e);
  return precOf(e) < min ? concat('(', doc, ')') : doc;
}

function bareExprDoc(e: A.Expr): Doc {
  switch (e.kind) {
    case 'NumberLiteral':
      return e.text;
    case 'StringLiteral':
      return e.raw;
    case 'BoolLiteral':
      return e.value ? 'true' : 'false';
    case 'NameExpr':
      return e.name;
    case 'ErrorExpr':
      return '<error>';
    case 'ListExpr':
      return bracketed(
        '[',
        e.elements.map((x) => exprDoc(x)),
        ']',
      );
    case 'UnaryExpr':
      if (e.operator === 'not') return concat('not ', exprDoc(e.operand, Prec.Not));
      // `-(-h)`, not `--h`, which reads like a decrement.
      const nested = e.operand.kind === 'UnaryExpr' && e.operand.operator !== 'not';
      return concat(e.operator, nested ? concat('(', exprDoc(e.operand), ')') : exprDoc(e.operand, Prec.Unary));
    case 'BinaryExpr': {
      const p = binaryPrec[e.operator];
      if (e.operator === '^') return concat(exprDoc(e.left, Prec.Postfix), ' ^ ', exprDoc(e.right, Prec.Unary));
      // Comparisons and ranges do not chain, so both sides must bind tighter.
      const nonAssoc = p === Prec.Comparison || p === Prec.Range;
      const left = exprDoc(e.left, nonAssoc ? p + 1 : p);
      const right = exprDoc(e.right, p + 1);
      return e.operator === '..' ? concat(left, '..', right) : concat(left, ` ${e.operator} `, right);
    }
    case 'PipeExpr': {
      const stages: A.Expr[] = [];
      let input: A.Expr = e;
      while (input.kind === 'PipeExpr') {
        stages.unshift(input.stage);
        input = input.input;
      }
      return group(exprDoc(input, Prec.Or), indent(...stages.map((s) => concat(line, '|> ', exprDoc(s, Prec.Postfix)))));
    }
    case 'CallExpr':
      return concat(exprDoc(e.callee, Prec.Postfix), argsDoc(e.args));
    case 'MemberExpr':
      return concat(exprDoc(e.object, Prec.Postfix), '.', e.member.name);
    case 'IndexExpr':
      return concat(exprDoc(e.object, Prec.Postfix), '[', join(', ', e.indices.map(indexDoc)), ']');
  }
}

function indexDoc(i: A.Expr | A.SliceExpr): Doc {
  if (i.kind !== 'SliceExpr') return exprDoc(i);
  const part = (x: A.Expr | null): Doc => (x ? exprDoc(x) : '');
  return concat(part(i.start), ':', part(i.stop), i.hasStep ? concat(':', part(i.step)) : '');
}

function argsDoc(args: readonly A.Argument[]): Doc {
  // A lone list argument hugs the parentheses: `concat([` ... `])`, not a list inside a broken call.
  const only = args.length === 1 ? args[0] : undefined;
  if (only && only.name === null && only.value.kind === 'ListExpr' && only.value.elements.length > 0)
    return concat('(', exprDoc(only.value), ')');
  return bracketed(
    '(',
    args.map((a) => (a.name ? concat(a.name.name, ': ', exprDoc(a.value)) : exprDoc(a.value))),
    ')',
  );
}

function bracketed(open: string, items: readonly Doc[], close: string): Doc {
  if (items.length === 0) return open + close;
  return group(open, indent(softline, join(concat(',', line), items)), ifBreak(','), softline, close);
}
