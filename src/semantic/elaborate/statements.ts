import type * as A from '../../syntax/ast.js';
import type { Env } from '../env.js';
import type { Value } from '../values.js';
import { ReturnSignal, type ElabContext, type OnOut } from './context.js';
import { lookup } from './names.js';

/** Runs a body's statements in `env`; `onOut` receives a model body's outputs (blocks have none). */
export function execBody(cx: ElabContext, body: A.Body, env: Env, onOut?: OnOut): void {
  for (const stmt of body.statements) exec(cx, stmt, env, onOut);
}

function exec(cx: ElabContext, stmt: A.Stmt, env: Env, onOut?: OnOut): void {
  cx.spend(1, env.module, stmt.span);
  switch (stmt.kind) {
    case 'AssignStmt': {
      const value = evalNamed(cx, stmt.target.name, stmt.value, env);
      env.set(stmt.target.name, value, stmt.target.span);
      return;
    }
    case 'ExprStmt':
      cx.eval(stmt.expr, env);
      return;
    case 'OutStmt': {
      const value = stmt.value ? evalNamed(cx, stmt.name.name, stmt.value, env) : lookup(cx, stmt.name, env);
      if (stmt.value) env.set(stmt.name.name, value, stmt.name.span);
      if (onOut) onOut(stmt, value);
      else
        cx.report('typeMismatch', { expected: 'a statement', found: '`out`' }, env.module, stmt.span, {
          label: '`out` is only for model bodies',
          help: 'blocks hand their result back with `return`',
        });
      return;
    }
    case 'ReturnStmt': {
      const value = cx.eval(stmt.value, env);
      // A model body (the one place with `onOut`) hands its results out with `out`; unwinding it would lose the rest.
      if (!onOut) throw new ReturnSignal(value, stmt.value.span);
      cx.report('typeMismatch', { expected: 'a statement', found: '`return`' }, env.module, stmt.span, {
        label: '`return` is only for blocks',
        help: 'a model hands its results out with `out NAME = ...`',
      });
      return;
    }
    case 'IfStmt': {
      const cond = cx.eval(stmt.condition, env);
      if (cond.kind === 'error') return;
      if (cond.kind !== 'bool') {
        if (cond.kind === 'tensor')
          cx.report('notCompileTime', { what: 'an `if` condition' }, env.module, stmt.condition.span, {
            help: 'to choose between tensors element by element use `where(condition, a, b)`',
          });
        else cx.mismatch('`true` or `false`', cond, env.module, stmt.condition.span);
        return;
      }
      if (cond.value) execBody(cx, stmt.then, env, onOut);
      else if (stmt.else?.kind === 'Body') execBody(cx, stmt.else, env, onOut);
      else if (stmt.else) exec(cx, stmt.else, env, onOut);
      return;
    }
    case 'ForStmt': {
      const iterable = cx.eval(stmt.iterable, env);
      if (iterable.kind === 'error') return;
      if (iterable.kind !== 'list') {
        if (iterable.kind === 'tensor')
          cx.report('notCompileTime', { what: 'what a `for` loop runs over' }, env.module, stmt.iterable.span);
        else cx.mismatch('a list or a range such as `0..n`', iterable, env.module, stmt.iterable.span);
        return;
      }
      // The header, `for i in 0..n`, is what a spent budget is blamed on.
      const header = { start: stmt.span.start, end: stmt.iterable.span.end };
      cx.runningAs('loop', env.module, header, () => {
        for (const element of iterable.elements) {
          cx.spend(1, env.module, header);
          env.set(stmt.variable.name, element, stmt.variable.span);
          execBody(cx, stmt.body, env, onOut);
          cx.grew(env.module, header);
        }
      });
      return;
    }
  }
}

/** Evaluates with `name` as the assignment target, which names any parameter created. */
export function evalNamed(cx: ElabContext, name: string, expr: A.Expr, env: Env): Value {
  return cx.withTarget(name, () => cx.eval(expr, env));
}
