import type { AttrValue } from '../tensor/attrValue.js';

/** Whether a smaller value of the metric `name` is better: `mode` says, or else names containing `loss`. */
export function lowerIsBetter(name: string, mode?: AttrValue): boolean {
  return mode === 'min' || (mode === undefined && /loss/.test(name));
}

/**
 * `early_stop(metric: auc, patience: 2, mode: "max", min_delta: 0)`: a function fed each
 * epoch's metrics in turn that says when the named metric has not improved for `patience`
 * epochs. The trainer stops on it; the report replays it to tell an early stop from an
 * unfinished run. Undefined without the setting.
 */
export function earlyStopper(setting: AttrValue | undefined): ((metrics: Readonly<Record<string, number | null>>) => boolean) | undefined {
  const args = (setting as { args?: Record<string, AttrValue> } | undefined)?.args;
  if (!args) return undefined;
  const wanted = String(args['metric']);
  const patience = Number(args['patience'] ?? 2);
  const minDelta = Number(args['min_delta'] ?? 0);
  const lower = lowerIsBetter(wanted, args['mode']);
  let best = lower ? Infinity : -Infinity;
  let stale = 0;
  return (metrics) => {
    const name = Object.keys(metrics).find((k) => k === wanted || k.startsWith(`${wanted}(`));
    const value = name === undefined ? undefined : metrics[name];
    if (value === undefined || value === null || Number.isNaN(value)) return false;
    const improved = lower ? value < best - minDelta : value > best + minDelta;
    if (improved) {
      best = value;
      stale = 0;
      return false;
    }
    stale++;
    return stale >= patience;
  };
}

/**
 * The epoch whose weights an early-stopped run keeps: the last one at which `early_stop`'s
 * metric improved, replayed over the run's epoch records (each with its `epoch`).
 * Undefined without the setting, or before the metric has a value.
 */
export function bestEpoch(setting: AttrValue | undefined, records: readonly Readonly<Record<string, number | null>>[]): number | undefined {
  const args = (setting as { args?: Record<string, AttrValue> } | undefined)?.args;
  if (!args) return undefined;
  const wanted = String(args['metric']);
  const minDelta = Number(args['min_delta'] ?? 0);
  const lower = lowerIsBetter(wanted, args['mode']);
  let best: { epoch: number; value: number } | undefined;
  for (const r of records) {
    const name = Object.keys(r).find((k) => k === wanted || k.startsWith(`${wanted}(`));
    const value = name === undefined ? undefined : r[name];
    if (value === undefined || value === null || Number.isNaN(value)) continue;
    if (!best || (lower ? value < best.value - minDelta : value > best.value + minDelta)) best = { epoch: Number(r['epoch']), value };
  }
  return best?.epoch;
}
