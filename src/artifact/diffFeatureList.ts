import type { ManifestFeature } from './manifest.js';
import { byName, comparedArgs, same, show, type ChangeKind, type Collector } from './manifestChange.js';

function vocabularySummary(a: unknown, b: unknown): string {
  if (!Array.isArray(a) || !Array.isArray(b)) return `from ${show(a)} to ${show(b)}`;
  const before = new Set(a.map(String));
  const after = new Set(b.map(String));
  const gained = [...after].filter((x) => !before.has(x));
  const lost = [...before].filter((x) => !after.has(x));
  const firstMoved = a.findIndex((x, i) => b[i] !== x);
  const sample = (xs: string[]): string =>
    xs
      .slice(0, 3)
      .map((x) => JSON.stringify(x))
      .join(', ') + (xs.length > 3 ? ', ...' : '');
  const parts = [`${a.length} to ${b.length} entries`];
  if (gained.length > 0) parts.push(`${gained.length} added (${sample(gained)})`);
  if (lost.length > 0) parts.push(`${lost.length} removed (${sample(lost)})`);
  if (gained.length === 0 && lost.length === 0 && firstMoved >= 0)
    parts.push(`same entries, new order from position ${firstMoved}, so ids differ`);
  return parts.join(', ');
}

const pipeline = (f: ManifestFeature): string =>
  f.transforms.length === 0 ? 'no transforms' : f.transforms.map((t) => t.name).join(' |> ');

function diffFeature(section: 'features' | 'labels', a: ManifestFeature, b: ManifestFeature, out: Collector): void {
  // Labels never cross a signature: clients neither send nor receive them.
  const kind: ChangeKind = section === 'features' ? 'breaking' : 'patch';
  const what = section === 'features' ? 'feature' : 'label';
  const base = { kind, feature: b.name };
  const p = `${section}.${b.name}`;
  if (a.kind !== b.kind)
    out.add({
      ...base,
      path: `${p}.kind`,
      message: `${what} \`${b.name}\` changed kind from ${a.kind} to ${b.kind}`,
      old: a.kind,
      new: b.kind,
    });
  for (const key of new Set([...Object.keys(a.args), ...Object.keys(b.args)])) {
    if (!same(a.args[key], b.args[key]))
      out.add({
        ...base,
        path: `${p}.args.${key}`,
        message: `${what} \`${b.name}\` changed \`${key}\` from ${show(a.args[key])} to ${show(b.args[key])}`,
        old: a.args[key],
        new: b.args[key],
      });
  }
  if (!same(a.default, b.default))
    out.add({
      ...base,
      path: `${p}.default`,
      message: `${what} \`${b.name}\` changed its default from ${show(a.default)} to ${show(b.default)}`,
      old: a.default,
      new: b.default,
    });
  const sameChain =
    a.transforms.length === b.transforms.length &&
    a.transforms.every((t, i) => t.name === b.transforms[i]!.name && t.op === b.transforms[i]!.op);
  if (!sameChain) {
    out.add({
      ...base,
      path: `${p}.transforms`,
      message: `${what} \`${b.name}\` changed transforms from \`${pipeline(a)}\` to \`${pipeline(b)}\``,
      old: a.transforms,
      new: b.transforms,
    });
    return;
  }
  a.transforms.forEach((ta, i) => {
    const tb = b.transforms[i]!;
    const [argsA, argsB] = [comparedArgs(ta.op, ta.args), comparedArgs(tb.op, tb.args)];
    for (const key of new Set([...Object.keys(argsA), ...Object.keys(argsB)])) {
      const [x, y] = [argsA[key], argsB[key]];
      if (same(x, y)) continue;
      const path = `${p}.transforms[${i}].${key}`;
      const head = `${what} \`${b.name}\`, \`${tb.name}\``;
      let message: string;
      if (key === 'vocabulary') message = `${head}: vocabulary changed (${vocabularySummary(x, y)}), so ids differ`;
      else if (key === 'boundaries')
        message = `${head}: bucket boundaries changed (${Array.isArray(x) ? x.length : 0} to ${Array.isArray(y) ? y.length : 0} boundaries), so buckets differ`;
      else if (key === 'bits') message = `${head}: hash bits changed from ${show(x)} to ${show(y)}, so every hashed id differs`;
      else if ((tb.name === 'zscore' && (key === 'mean' || key === 'std')) || (tb.name === 'impute' && key === 'value'))
        message = `${head}: fitted statistic \`${key}\` changed from ${show(x)} to ${show(y)}`;
      else message = `${head}: \`${key}\` changed from ${show(x)} to ${show(y)}`;
      // A vocabulary is too large to repeat in a report; its message summarizes it.
      const values = key === 'vocabulary' ? {} : { old: x, new: y };
      out.add({ ...base, path, message, ...values });
    }
  });
}

/** The changes in the features (or labels) of two feature specs: removed, new, and each kept one's kind, default and transforms. */
export function diffFeatureList(
  section: 'features' | 'labels',
  olds: readonly ManifestFeature[],
  news: readonly ManifestFeature[],
  out: Collector,
): void {
  const o = byName(olds);
  const n = byName(news);
  const what = section === 'features' ? 'feature' : 'label';
  for (const a of olds) {
    const b = n.get(a.name);
    if (b) diffFeature(section, a, b, out);
    else
      out.add({
        kind: section === 'features' ? 'breaking' : 'patch',
        feature: a.name,
        path: `${section}.${a.name}`,
        message: `${what} \`${a.name}\` was removed`,
        old: a,
      });
  }
  for (const b of news) {
    if (!o.has(b.name))
      out.add({
        kind: section === 'features' ? 'compatible' : 'patch',
        feature: b.name,
        path: `${section}.${b.name}`,
        message: `new ${what} \`${b.name}\` (${b.kind}${b.transforms.length > 0 ? `, ${pipeline(b)}` : ''})`,
        new: b,
      });
  }
}
