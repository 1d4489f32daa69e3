import { secondaryLabel } from '../../diagnostics/diagnostic.js';
import type * as A from '../../syntax/ast.js';
import type { Span } from '../../source/span.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { CheckedModel } from '../checkedModel.js';
import type { Rule, RuleContext } from './rule.js';

/** What one argument of a train constructor (or one setting) must hold. */
interface ArgSpec {
  readonly type: 'int' | 'number' | 'string' | 'bool' | 'config' | 'name';
  /** Bounds; `above` and `below` exclude the bound itself. */
  readonly min?: number;
  readonly above?: number;
  readonly below?: number;
  readonly max?: number;
  readonly oneOf?: readonly string[];
  readonly required?: boolean;
  /** How the message describes what is expected. */
  readonly expected: string;
}

const int = (
  min: number,
  expected = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`,
): ArgSpec => ({ type: 'int', min, expected });
const positive: ArgSpec = { type: 'number', above: 0, expected: 'a positive number' };
const nonNegative: ArgSpec = { type: 'number', min: 0, expected: 'a non-negative number' };
const unit: ArgSpec = { type: 'number', min: 0, below: 1, expected: 'a number in [0, 1)' };
const openUnit: ArgSpec = { type: 'number', above: 0, below: 1, expected: 'a number between 0 and 1' };
const text = (required = false): ArgSpec => ({ type: 'string', required, expected: 'a string' });
const bool: ArgSpec = { type: 'bool', expected: '`true` or `false`' };
const config = (oneOf: readonly string[], required = false): ArgSpec => ({
  type: 'config',
  oneOf,
  required,
  expected: oneOf.map((c) => `\`${c}(...)\``).join(' or '),
});

const schedules = ['constant', 'warmup', 'linear', 'cosine', 'step', 'exponential'];
const optimizerLr = positive;
const schedule = config(schedules);

/**
 * Every constructor's arguments and what each holds. The argument names themselves are
 * checked while elaborating (`BIRD2008`, from `configConstructors`); this table checks
 * their values, so that no value the trainer could not honour is accepted.
 */
const constructorArgs: Readonly<Record<string, Readonly<Record<string, ArgSpec>>>> = {
  csv: { path: text(), split: config(['holdout', 'by_date']) },
  jsonl: { path: text(), split: config(['holdout', 'by_date']) },
  parquet: { path: text(), split: config(['holdout', 'by_date']) },
  arrow: { path: text(), split: config(['holdout', 'by_date']) },
  holdout: { every: int(2), offset: int(0), fraction: openUnit, key: text(), validation: openUnit, validation_offset: int(0) },
  by_date: { column: text(true), test_from: text(true), validation_from: text() },
  files: { train: text(true), test: text(true), validation: text() },
  sgd: { lr: optimizerLr, schedule },
  momentum: { lr: optimizerLr, momentum: unit, nesterov: bool, schedule },
  adam: { lr: optimizerLr, beta1: unit, beta2: unit, eps: positive, lazy: bool, schedule },
  adagrad: { lr: optimizerLr, initial_accumulator: positive, schedule },
  constant: {},
  warmup: { steps: int(1, 'a positive number of steps') },
  linear: { warmup: int(0), steps: int(1), end: nonNegative },
  cosine: { warmup: int(0), steps: int(1), end: nonNegative },
  step: { every: int(1), gamma: positive, warmup: int(0) },
  exponential: { rate: positive, every: int(1), warmup: int(0) },
  early_stop: {
    metric: { type: 'name', required: true, expected: 'a metric of the train section, such as `auc`' },
    patience: int(1),
    mode: { type: 'string', oneOf: ['min', 'max'], expected: '`"min"` or `"max"`' },
    min_delta: nonNegative,
  },
  skip: { max: int(0) },
  fail: {},
};

/** The settings whose values this rule checks (the others are tensors, checked by the elaborator). */
const settingSpecs: Readonly<Record<string, ArgSpec>> = {
  data: config(['csv', 'jsonl', 'parquet', 'arrow', 'files']),
  optimizer: config(['sgd', 'momentum', 'adam', 'adagrad']),
  seed: { type: 'int', expected: 'an integer' },
  clip_norm: positive,
  weight_decay: nonNegative,
  keep_checkpoints: int(0),
  threads: { type: 'int', min: 1, max: 2, expected: '1 or 2' },
  bad_data: config(['skip', 'fail']),
  early_stop: config(['early_stop']),
};

/** Arguments that choose one way of splitting and cannot be mixed with the other way's. */
const splitFamilies: readonly (readonly string[])[] = [
  ['every', 'offset', 'validation_offset'],
  ['fraction', 'key', 'validation'],
];

interface ConfigAttr {
  readonly fn: string;
  readonly args: Readonly<Record<string, AttrValue>>;
  readonly positional: readonly AttrValue[];
}

function asConfig(v: AttrValue | undefined): ConfigAttr | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, AttrValue>;
  return typeof r['fn'] === 'string'
    ? { fn: r['fn'], args: (r['args'] ?? {}) as Record<string, AttrValue>, positional: (r['positional'] ?? []) as AttrValue[] }
    : undefined;
}

function describeValue(v: AttrValue | undefined): string {
  const c = asConfig(v);
  if (c) return `\`${c.fn}(...)\``;
  if (typeof v === 'string') return `\`${JSON.stringify(v)}\``;
  if (Array.isArray(v)) return 'a list';
  return `\`${String(v)}\``;
}

/** The call written in the source for a value, when the expression is that call (not a constant bound elsewhere). */
function callOf(expr: A.Expr | undefined, fn: string): A.CallExpr | undefined {
  return expr?.kind === 'CallExpr' && expr.callee.kind === 'NameExpr' && expr.callee.name === fn ? expr : undefined;
}

/**
 * The values of the train section: each setting and each constructor argument holds what
 * the trainer can honour (`holdout(fraction: 1.5)`, `threads = 4`, an `early_stop` metric
 * the section does not compute are errors), and arguments that choose different ways of
 * splitting (`holdout(every: 10, fraction: 0.5)`) are not mixed. Settings Bird accepts
 * take effect; the audit table in `test/train/settingsAudit.test.ts` checks that.
 */
export const trainSettingValues: Rule = {
  name: 'train-setting-values',
  check(context) {
    for (const model of context.models) {
      if (!model.train) continue;
      const decl = model.module.ast.items.find((i): i is A.TrainDecl => i.kind === 'TrainDecl' && i.model.name === model.name);
      if (!decl) continue;
      for (const stmt of decl.body.statements) {
        const [name, expr] =
          stmt.kind === 'AssignStmt'
            ? [stmt.target.name, stmt.value]
            : stmt.kind === 'ExprStmt'
              ? ['early_stop', stmt.expr]
              : [undefined, undefined];
        const spec = name === undefined ? undefined : settingSpecs[name];
        if (!spec || !expr) continue;
        const value = model.train.settings[name!];
        if (value === undefined) continue;
        checkValue(context, model, `train setting \`${name}\``, name!, spec, value, expr, expr.span, 'setting');
      }
    }
  },
};

function checkValue(
  context: RuleContext,
  model: CheckedModel,
  owner: string,
  name: string,
  spec: ArgSpec,
  value: AttrValue,
  expr: A.Expr | undefined,
  at: Span,
  role: 'setting' | 'argument',
): void {
  const bad = (): void => {
    if (role === 'setting')
      context.report('invalidTrainSetting', { name, expected: spec.expected, found: describeValue(value) }, model.module, at);
    else
      context.report(
        'invalidConstructorArgument',
        { name, callee: owner, expected: spec.expected, found: describeValue(value) },
        model.module,
        at,
      );
  };
  switch (spec.type) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || (spec.type === 'int' && !Number.isInteger(value))) return bad();
      if (
        (spec.min !== undefined && value < spec.min) ||
        (spec.max !== undefined && value > spec.max) ||
        (spec.above !== undefined && value <= spec.above) ||
        (spec.below !== undefined && value >= spec.below)
      )
        return bad();
      return;
    }
    case 'string':
      if (typeof value !== 'string' || (spec.oneOf && !spec.oneOf.includes(value))) return bad();
      return;
    case 'bool':
      if (typeof value !== 'boolean') return bad();
      return;
    case 'name': {
      // A metric written by name (`auc`) or as a string: it must be one the section computes.
      if (typeof value !== 'string') return bad();
      const metrics = model.train?.metrics.map((m) => m.name) ?? [];
      if (!metrics.some((m) => m === value || m.startsWith(`${value}(`))) {
        context.report('earlyStopUnknownMetric', { metric: value }, model.module, at, {
          help:
            metrics.length > 0
              ? `the section computes ${metrics.map((m) => `\`${m}\``).join(', ')}`
              : 'add the metric to `metrics = [...]`',
        });
      }
      return;
    }
    case 'config': {
      const c = asConfig(value);
      if (!c || (spec.oneOf && !spec.oneOf.includes(c.fn))) return bad();
      checkCall(context, model, c, callOf(expr, c.fn), expr?.span ?? at);
    }
  }
}

function checkCall(context: RuleContext, model: CheckedModel, c: ConfigAttr, call: A.CallExpr | undefined, at: Span): void {
  const specs = constructorArgs[c.fn];
  if (!specs) return;
  const argSpan = (name: string): Span => call?.args.find((a) => a.name?.name === name)?.span ?? at;
  const argExpr = (name: string): A.Expr | undefined => call?.args.find((a) => a.name?.name === name)?.value;
  // Only a data file's path may be given by position.
  const positional = ['csv', 'jsonl', 'parquet', 'arrow'].includes(c.fn) ? 1 : 0;
  if (c.positional.length > positional) {
    const extra = call?.args.filter((a) => a.name === null)[positional];
    context.report(
      'invalidConstructorArgument',
      { name: `#${positional + 1}`, callee: `\`${c.fn}\``, expected: 'named arguments', found: describeValue(c.positional[positional]) },
      model.module,
      extra?.span ?? at,
      {
        help: `name it: \`${c.fn}(${Object.keys(specs)
          .map((k) => `${k}: ...`)
          .join(', ')})\``,
      },
    );
  }
  const args: Record<string, AttrValue> = { ...c.args };
  if (positional === 1 && c.positional[0] !== undefined && args['path'] === undefined) args['path'] = c.positional[0];
  for (const [name, spec] of Object.entries(specs)) {
    const value = args[name];
    if (value === undefined) {
      if (spec.required || (name === 'path' && positional === 1))
        context.report('missingArgument', { name, callee: `\`${c.fn}\`` }, model.module, call?.span ?? at);
      continue;
    }
    checkValue(context, model, `\`${c.fn}\``, name, spec, value, argExpr(name), argSpan(name), 'argument');
  }
  if (c.fn === 'holdout') checkHoldout(context, model, args, argSpan);
  if (
    c.fn === 'by_date' &&
    typeof args['validation_from'] === 'string' &&
    typeof args['test_from'] === 'string' &&
    args['validation_from'] >= args['test_from']
  ) {
    context.report(
      'invalidConstructorArgument',
      {
        name: 'validation_from',
        callee: '`by_date`',
        expected: `a date before \`test_from\` (${JSON.stringify(args['test_from'])})`,
        found: describeValue(args['validation_from']),
      },
      model.module,
      argSpan('validation_from'),
    );
  }
}

function checkHoldout(
  context: RuleContext,
  model: CheckedModel,
  args: Readonly<Record<string, AttrValue>>,
  argSpan: (name: string) => Span,
): void {
  const given = (names: readonly string[]): string[] => names.filter((n) => args[n] !== undefined);
  const [stride, hashed] = splitFamilies.map(given) as [string[], string[]];
  if (stride.length > 0 && hashed.length > 0) {
    context.report(
      'conflictingArguments',
      { callee: '`holdout`', first: stride[0]!, second: hashed[0]! },
      model.module,
      argSpan(hashed[0]!),
      {
        secondary: [secondaryLabel('splitsByRowNumber', { argument: stride[0]! }, model.module.source, argSpan(stride[0]!))],
        help: '`every` and `offset` hold out every n-th row; `fraction` (with or without `key`) holds out a random fraction: keep one',
      },
    );
    return;
  }
  const every = typeof args['every'] === 'number' ? args['every'] : 5;
  for (const name of ['offset', 'validation_offset']) {
    const v = args[name];
    if (typeof v === 'number' && Number.isInteger(v) && v >= every) {
      context.report(
        'invalidConstructorArgument',
        { name, callee: '`holdout`', expected: `a row position below \`every\` (${every})`, found: describeValue(v) },
        model.module,
        argSpan(name),
      );
    }
  }
  const offset = typeof args['offset'] === 'number' ? args['offset'] : every - 1;
  if (args['validation_offset'] !== undefined && args['validation_offset'] === offset) {
    context.report(
      'invalidConstructorArgument',
      {
        name: 'validation_offset',
        callee: '`holdout`',
        expected: `a row position other than the test rows' \`offset\` (${offset})`,
        found: describeValue(args['validation_offset']),
      },
      model.module,
      argSpan('validation_offset'),
    );
  }
  const fraction = typeof args['fraction'] === 'number' ? args['fraction'] : 0.2;
  const validation = args['validation'];
  if (typeof validation === 'number' && fraction + validation >= 1) {
    context.report(
      'invalidConstructorArgument',
      {
        name: 'validation',
        callee: '`holdout`',
        expected: `a fraction that leaves rows to train on (below ${+(1 - fraction).toFixed(6)} with \`fraction\` ${fraction})`,
        found: describeValue(validation),
      },
      model.module,
      argSpan('validation'),
    );
  }
}
