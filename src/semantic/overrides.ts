import { diagnostic, note, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { SourceFile } from '../source/sourceFile.js';
import type { Span } from '../source/span.js';
import type * as A from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import { configConstructors, trainSettings } from './builtins.js';

/** One `--set PATH=VALUE` as it was accepted, and the text of the file it replaced (null where it added). */
export interface AppliedOverride {
  readonly set: string;
  readonly path: string;
  readonly value: string;
  readonly replaced: string | null;
}

/** The file with the overrides written in, where each now lies in it, and what went wrong. */
export interface OverrideResult {
  readonly source: SourceFile;
  readonly applied: readonly AppliedOverride[];
  /** Where each applied override's value lies in the new text, for notes on diagnostics there. */
  readonly regions: readonly { readonly span: Span; readonly set: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Where the value starts inside `text`. */
  readonly valueAt: number;
  readonly override: AppliedOverride;
}

/** The source a `--set` argument's diagnostics point into: its own text, named after the flag. */
const setSource = (text: string): SourceFile => new SourceFile('--set', text);

/**
 * `bird train FILE --set PATH=VALUE ...`: each VALUE (Bird source: `8`, `3e-3`, `[64, 32]`,
 * `"median"`, `adam(lr: 1e-3)`) is written into the file's text where PATH points, and the
 * file is then checked as if it had been written so, with the same diagnostics:
 * - `NAME`: the train setting `NAME = ...` (added when the section lacks it);
 * - `NAME.ARG` (and deeper, `data.split.fraction`): the named argument of the call the
 *   setting holds (added to the call when absent);
 * - `model.PARAM`: the default of the model's parameter `PARAM`.
 * Each applies to the text the ones before it left, so a later `--set` of the same path
 * wins and `optimizer=adam()` then `optimizer.lr=3e-3` sets the new call's argument. A path that names nothing, or a setting that
 * holds no call, is a diagnostic located in the `--set` argument (`BIRD2025`, `BIRD2026`).
 */
export function applyOverrides(file: SourceFile, sets: readonly string[], modelName?: string): OverrideResult {
  const diagnostics: Diagnostic[] = [];
  const none: OverrideResult = { source: file, applied: [], regions: [], diagnostics };
  if (sets.length === 0) return none;
  let current = file;
  const applied: AppliedOverride[] = [];
  let regions: { span: Span; set: string }[] = [];
  // Each --set applies to the text the ones before it left, so `optimizer=adam()` then `optimizer.lr=...` works and a later one of a path wins.
  const plan = (set: string): Edit | undefined => {
    const file = current;
    const { module } = parse(file);
    const trains = module.items.filter((i): i is A.TrainDecl => i.kind === 'TrainDecl');
    const train = trains.find((t) => modelName === undefined || t.model.name === modelName);
    const model = module.items.find((i): i is A.ModelDecl => i.kind === 'ModelDecl' && i.name.name === (train?.model.name ?? modelName));
    let planned: Edit | undefined;
    const source = setSource(set);
    const m = /^(\s*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*=\s*(\S[\s\S]*?)\s*$/.exec(set);
    if (!m) {
      diagnostics.push(
        diagnostic(
          'badOverride',
          { set },
          source,
          { start: 0, end: Math.max(1, set.length) },
          { label: 'not `PATH=VALUE`', help: 'write `--set epochs=8`, `--set optimizer.lr=3e-3` or `--set model.widths=[64,32]`' },
        ),
      );
      return planned;
    }
    const pathAt = m[1]!.length;
    const pathText = m[2]!;
    const value = m[3]!;
    const names = pathText.split('.');
    // Where each segment of the path lies in the argument, for diagnostics.
    const segment = (k: number): Span => {
      const start = pathAt + names.slice(0, k).reduce((n, s) => n + s.length + 1, 0);
      return { start, end: start + names[k]!.length };
    };
    const fail = (k: number, what: string, candidates: readonly string[]): void => {
      const help =
        didYouMean(names[k]!, candidates) ?? (candidates.length > 0 ? `it has ${candidates.map((c) => `\`${c}\``).join(', ')}` : undefined);
      diagnostics.push(
        diagnostic(
          'unknownOverride',
          { path: names.slice(0, k + 1).join('.'), what },
          source,
          segment(k),
          help === undefined ? {} : { help },
        ),
      );
    };
    const override = (replaced: string | null): AppliedOverride => ({ set, path: pathText, value, replaced });
    const replace = (node: A.Expr): Edit => ({
      start: node.span.start,
      end: node.span.end,
      text: value,
      valueAt: 0,
      override: override(file.text.slice(node.span.start, node.span.end)),
    });
    if (names[0] === 'model' && !(train && settingOf(train, 'model'))) {
      if (!model) {
        fail(0, 'a file with a model', []);
        return planned;
      }
      const params = model.params.slice(1);
      const param = names.length === 2 ? params.find((p) => p.name.name === names[1]) : undefined;
      if (!param) {
        fail(
          Math.min(1, names.length - 1),
          `a parameter of model \`${model.name.name}\``,
          params.map((p) => p.name.name),
        );
        return planned;
      }
      const at = param.type.span.end;
      planned = param.default ? replace(param.default) : { start: at, end: at, text: ` = ${value}`, valueAt: 3, override: override(null) };
      return planned;
    }
    if (!train) {
      fail(0, 'a file with a `train` section', []);
      return planned;
    }
    const setting = settingOf(train, names[0]!);
    if (names.length === 1) {
      if (setting) planned = replace(setting.value);
      else if (!trainSettings.has(names[0]!)) fail(0, 'a train setting', [...trainSettings.keys(), 'model']);
      else {
        // A new setting goes on its own line before the section's closing brace.
        const close = train.body.span.end - 1;
        const lineStart = file.text.lastIndexOf('\n', close - 1) + 1;
        const text = `  ${names[0]} = ${value}\n`;
        planned = { start: lineStart, end: lineStart, text, valueAt: text.indexOf(value), override: override(null) };
      }
      return planned;
    }
    if (!setting) {
      fail(
        0,
        'a train setting of the file (only a setting the section gives has arguments to set)',
        train.body.statements.flatMap((s) => (s.kind === 'AssignStmt' ? [s.target.name] : [])),
      );
      return planned;
    }
    let call: A.Expr = setting.value;
    let k = 1;
    for (; k < names.length; k++) {
      if (call.kind !== 'CallExpr' || call.callee.kind !== 'NameExpr') {
        fail(k - 1, 'a call such as `adam(lr: 1e-3)`, whose arguments can be set', []);
        break;
      }
      const fn = call.callee.name;
      const arg = call.args.find((a) => a.name?.name === names[k]);
      const known = configConstructors.get(fn) ?? [];
      if (k === names.length - 1) {
        if (arg) planned = replace(arg.value);
        else if (!known.includes(names[k]!)) fail(k, `an argument of \`${fn}\``, known);
        else {
          const at = call.span.end - 1;
          const text = `${call.args.length > 0 ? ', ' : ''}${names[k]}: ${value}`;
          planned = { start: at, end: at, text, valueAt: text.length - value.length, override: override(null) };
        }
        break;
      }
      if (!arg) {
        fail(
          k,
          `an argument given to \`${fn}\``,
          call.args.flatMap((a) => (a.name ? [a.name.name] : [])),
        );
        break;
      }
      call = arg.value;
    }
    return planned;
  };
  for (const set of sets) {
    const e = plan(set);
    if (!e) continue;
    const text = current.text.slice(0, e.start) + e.text + current.text.slice(e.end);
    const delta = e.text.length - (e.end - e.start);
    // Regions after the edit move with it; one it rewrote is gone (its value was replaced).
    regions = regions.flatMap((r) =>
      r.span.start >= e.end ? [{ ...r, span: { start: r.span.start + delta, end: r.span.end + delta } }] : r.span.end <= e.start ? [r] : [],
    );
    const start = e.start + e.valueAt;
    regions.push({ span: { start, end: start + e.override.value.length }, set });
    applied.push(e.override);
    current = new SourceFile(file.path, text, file.lineOffset);
  }
  if (diagnostics.length > 0) return none;
  return { source: current, applied, regions, diagnostics };
}

function settingOf(train: A.TrainDecl, name: string): A.AssignStmt | undefined {
  return train.body.statements.find((s): s is A.AssignStmt => s.kind === 'AssignStmt' && s.target.name === name);
}

/** Adds, to each diagnostic whose primary span falls on a value written by `--set`, a note saying which `--set` wrote it. */
export function noteOverrides(diagnostics: readonly Diagnostic[], result: OverrideResult): Diagnostic[] {
  return diagnostics.map((d) => {
    const span = d.primary.span;
    const region = result.regions.find((r) => d.primary.source === result.source && span.start < r.span.end && r.span.start < span.end);
    return region ? { ...d, notes: [...d.notes, note('setOnCommandLine', { set: region.set })] } : d;
  });
}
