import type { AttrValue } from '../../tensor/attrValue.js';

/** A train setting's compile-time value written back as Bird source: `adam(lr: 0.001, schedule: cosine(warmup: 500))`. */
export function formatSetting(value: AttrValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatSetting).join(', ')}]`;
  const record = value as { readonly [key: string]: AttrValue };
  if (typeof record['fn'] === 'string') {
    const positional = Array.isArray(record['positional']) ? (record['positional'] as readonly AttrValue[]).map(formatSetting) : [];
    const args =
      record['args'] && typeof record['args'] === 'object'
        ? Object.entries(record['args'] as Record<string, AttrValue>).map(([k, v]) => `${k}: ${formatSetting(v)}`)
        : [];
    return `${record['fn']}(${[...positional, ...args].join(', ')})`;
  }
  return `{${Object.entries(record)
    .map(([k, v]) => `${k}: ${formatSetting(v)}`)
    .join(', ')}}`;
}
