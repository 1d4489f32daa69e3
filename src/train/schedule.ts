import type { AttrValue } from '../tensor/attrValue.js';

/** A learning rate as a function of the step (from 0), from `schedule:` of the optimizer. */
export function learningRate(base: number, schedule: AttrValue | undefined, totalSteps: number): (step: number) => number {
  const s = schedule as { fn?: string; args?: Record<string, AttrValue> } | undefined;
  const args = s?.args ?? {};
  // `warmup(steps: n)` warms up for n steps; elsewhere `steps` is the schedule's length.
  const warmup = Number((s?.fn === 'warmup' ? args['steps'] : args['warmup']) ?? 0);
  const warm = (step: number, rate: number): number => (step < warmup ? (rate * (step + 1)) / warmup : rate);
  const steps = Number(args['steps'] ?? totalSteps);
  const end = Number(args['end'] ?? 0);
  switch (s?.fn) {
    case 'warmup':
      return (step) => warm(step, base);
    case 'linear':
      return (step) => warm(step, step < warmup ? base : base + (end - base) * Math.min(1, (step - warmup) / Math.max(1, steps - warmup)));
    case 'cosine':
      return (step) => {
        if (step < warmup) return warm(step, base);
        const t = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
        return end + ((base - end) * (1 + Math.cos(Math.PI * t))) / 2;
      };
    case 'step':
      return (step) => warm(step, base * Number(args['gamma'] ?? 0.1) ** Math.floor(step / Number(args['every'] ?? 1000)));
    case 'exponential':
      return (step) => warm(step, base * Number(args['rate'] ?? 0.96) ** (step / Number(args['every'] ?? 1000)));
    default:
      return () => base;
  }
}
