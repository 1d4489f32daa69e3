/**
 * Round tick values covering `[min, max]`: steps of 1, 2 or 5 times a power of ten, about
 * `count` of them, the first at or below `min` and the last at or above `max`. With
 * `integer`, steps are whole numbers (epochs, steps).
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = integer ? 1 : Math.abs(min) * 0.1 || 0.5;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  // Multiplying whole numbers of steps keeps 0.1 * 3 from printing as 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(digits)));
  return ticks;
}

/** A number as a chart or table shows it: four significant digits, no trailing zeros, `n/a` for none. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4)) return value.toExponential(3).replace(/\.?0+e/, 'e');
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
