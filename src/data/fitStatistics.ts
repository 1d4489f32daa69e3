import type { TransformStep } from './applyTransform.js';
import { mergeStates, StateMismatch, type FitState } from './fitState.js';
import { applyStates, pendingSteps, type PassCounts } from './fitTransforms.js';

/** A pipeline's place in the model: the feature or label it transforms. */
export interface PipelineKey {
  readonly role: string;
  readonly feature: string;
}

/** The statistics of one fitted transform, or of one vocabulary several features share. */
export interface FitEntry {
  /** The steps they fit: one, or one per feature of a shared vocabulary (`shared`), each by its feature and its index in the pipeline. */
  readonly steps: readonly (PipelineKey & { readonly index: number })[];
  readonly op: string;
  readonly shared?: string;
  /** The pass that counted them: 1, or 2 for a transform after another fitted one (`log1p |> zscore |> impute("mean")`), and so on. */
  readonly pass: number;
  readonly state: FitState;
}

/**
 * What `bird fit` writes, and `bird train --fitted` reads: the statistics of the fitted
 * transforms of one model, counted over some rows (a part, one shard's) or merged from
 * parts. Every entry holds a mergeable state (`FitState`), not the fitted arguments, so
 * merged files merge again (a tree of merges gives the same counts).
 */
export interface FitStatistics {
  readonly format: 'bird-fit-1';
  readonly model: string;
  /** `fittedDigest` of the compiled model before fitting: the features, labels and transforms the statistics are for. */
  readonly features: string;
  /** The pass the newest entries were counted in; earlier passes' entries came in with `--fitted` and are the same in every part. */
  readonly pass: number;
  /** The rows that pass counted (a merge: the sum of its parts'). */
  readonly rows: number;
  /** Whether every fitted transform has its statistics; if not, the next pass counts with these statistics applied (`bird fit --fitted`). */
  readonly complete: boolean;
  /**
   * Each feature group's columns as its pattern matched them in the data counted (header
   * order), by feature: a group's statistics are per column, by position, so data whose
   * header orders them otherwise must not take them (`sameGroups`).
   */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly entries: readonly FitEntry[];
}

/** Why two sets of a model's group columns differ (the first group that does), or undefined when they agree. */
export function groupsDiffer(
  a: Readonly<Record<string, readonly string[]>> | undefined,
  b: Readonly<Record<string, readonly string[]>> | undefined,
): string | undefined {
  for (const name of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
    const [x, y] = [a?.[name] ?? [], b?.[name] ?? []];
    if (x.join('\u0000') !== y.join('\u0000'))
      return `feature group \`${name}\` reads the columns ${x.map((c) => `\`${c}\``).join(', ') || 'none'} in one and ${y.map((c) => `\`${c}\``).join(', ') || 'none'} in the other`;
  }
  return undefined;
}

const keyOf = (k: PipelineKey): string => `${k.role}:${k.feature}`;

/**
 * The pipelines with every entry's statistics in place, in pass order (a step is fitted
 * from its own state and arguments, so the order only matters for reading). A pipeline
 * the statistics do not name is left as it is.
 */
export function applyStatistics(
  keys: readonly PipelineKey[],
  pipelines: readonly (readonly TransformStep[])[],
  statistics: Pick<FitStatistics, 'entries'>,
): TransformStep[][] {
  const at = new Map(keys.map((k, f) => [keyOf(k), f]));
  let fitted = pipelines.map((p) => [...p]);
  for (const entry of [...statistics.entries].sort((a, b) => a.pass - b.pass)) {
    const pending = fitted.map(() => -1);
    const states = fitted.map((): FitState | null => null);
    for (const step of entry.steps) {
      const f = at.get(keyOf(step));
      if (f === undefined || fitted[f]![step.index]?.op !== entry.op)
        throw new StateMismatch(`\`${step.feature}\` has no \`${entry.op}\` at step ${step.index + 1}`);
      pending[f] = step.index;
      states[f] = entry.state;
    }
    fitted = applyStates(fitted, pending, states);
  }
  return fitted;
}

/**
 * A pass's counts as entries: one per pipeline with a pending step, one per shared
 * vocabulary (listing each of its features), numbered `pass`.
 */
export function passEntries(
  keys: readonly PipelineKey[],
  pipelines: readonly (readonly TransformStep[])[],
  counts: PassCounts,
  pass: number,
): FitEntry[] {
  const entries: FitEntry[] = [];
  const shared = new Map<string, FitEntry & { steps: (PipelineKey & { index: number })[] }>();
  counts.pending.forEach((index, f) => {
    const state = counts.states[f];
    if (index < 0 || !state) return;
    const step = { ...keys[f]!, index };
    const name = counts.shared[f];
    const op = pipelines[f]![index]!.op;
    if (name === undefined) return void entries.push({ steps: [step], op, pass, state });
    const entry = shared.get(name);
    if (entry) return void entry.steps.push(step);
    const made = { steps: [step], op, shared: name, pass, state };
    shared.set(name, made);
    entries.push(made);
  });
  return entries;
}

/** Whether every fitted transform of the pipelines has its statistics once `statistics` are applied. */
export function completes(
  keys: readonly PipelineKey[],
  pipelines: readonly (readonly TransformStep[])[],
  statistics: Pick<FitStatistics, 'entries'>,
): boolean {
  return pendingSteps(applyStatistics(keys, pipelines, statistics)).every((i) => i < 0);
}

/** The steps an entry fits, as one string, to match entries of two parts. */
const stepsOf = (e: FitEntry): string => JSON.stringify([e.op, e.pass, e.shared ?? null, e.steps]);

/**
 * Two parts' statistics of one model and pass merged: entries of this pass by
 * `mergeStates`, rows summed; entries of earlier passes, which both took from the same
 * `--fitted` file, kept. Throws `StateMismatch` when the parts count different steps or
 * earlier passes differ (the caller has checked model, digest and pass).
 */
export function mergeStatistics(a: FitStatistics, b: FitStatistics): FitStatistics {
  const groups = groupsDiffer(a.groups, b.groups);
  if (groups !== undefined) throw new StateMismatch(`their data orders a group's columns differently: ${groups}`);
  if (a.entries.length !== b.entries.length || a.entries.some((e, i) => stepsOf(e) !== stepsOf(b.entries[i]!)))
    throw new StateMismatch('they count different transforms');
  const entries = a.entries.map((e, i) => {
    const o = b.entries[i]!;
    if (e.pass === a.pass) return { ...e, state: mergeStates(e.state, o.state) };
    if (JSON.stringify(e.state) !== JSON.stringify(o.state))
      throw new StateMismatch(
        `their pass-${e.pass} statistics differ (each pass ${a.pass} part must be counted with the same \`--fitted\` file)`,
      );
    return e;
  });
  return { ...a, rows: a.rows + b.rows, entries };
}
