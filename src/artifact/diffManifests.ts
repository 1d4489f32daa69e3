import type { ArtifactManifest, ManifestFeature, ManifestInput, ManifestOutput, ManifestSignature } from './manifest.js';
import { bumpBetween, bumpRank, type Bump } from './versions.js';

/**
 * - `breaking`: a client must change what it sends or how it reads what it gets back.
 * - `compatible`: an existing client keeps working (a new optional input, output or signature).
 * - `patch`: no contract change (new weights, metrics, training data, label settings).
 */
export type ChangeKind = 'breaking' | 'compatible' | 'patch';

export interface ManifestChange {
  readonly kind: ChangeKind;
  /** The signature the change is in, when it is in one. */
  readonly signature?: string;
  /** The feature or label the change is in, when it is in one. */
  readonly feature?: string;
  /** Where, dotted: `serve.inputs.distance.dtype`, `features.origin.transforms[0].vocabulary`. */
  readonly path: string;
  readonly message: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface SignatureSummary {
  readonly name: string;
  readonly oldVersion: string | null;
  readonly newVersion: string | null;
  /** What this signature's changes need of the artifact version, weights included. */
  readonly bump: Bump;
  /** What its contract changes need of the signature's own version: `major`, `minor` or `none`. */
  readonly contractBump: Bump;
  /** What the declared signature versions show; null when the signature is new or removed. */
  readonly declaredBump: Bump | null;
  /** The declared signature version understates the contract change. */
  readonly understated: boolean;
}

/** `bird diff`'s result; also its `--json` output. */
export interface ManifestDiff {
  readonly old: { readonly name: string; readonly version: string };
  readonly new: { readonly name: string; readonly version: string };
  readonly changes: readonly ManifestChange[];
  readonly signatures: readonly SignatureSummary[];
  /** What the whole change needs of the artifact version. */
  readonly bump: Bump;
}

const changeBump: Readonly<Record<ChangeKind, Bump>> = { breaking: 'major', compatible: 'minor', patch: 'patch' };

/** JSON with sorted keys, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);
const show = (v: unknown): string => (typeof v === 'string' ? `\`${v}\`` : canonical(v));
const shapeText = (s: readonly (number | string)[]): string => `[${s.join(', ')}]`;

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

class Collector {
  readonly changes: ManifestChange[] = [];
  add(change: ManifestChange): void {
    this.changes.push(change);
  }
}

/** A rename is a removed and an added tensor that only one candidate matches in everything but names. */
function pairRenames<T extends { readonly name: string }>(removed: T[], added: T[], key: (t: T) => string): [T, T][] {
  const pairs: [T, T][] = [];
  for (const r of removed) {
    const candidates = added.filter((a) => key(a) === key(r));
    const backwards = removed.filter((x) => key(x) === key(r));
    if (candidates.length === 1 && backwards.length === 1) pairs.push([r, candidates[0]!]);
  }
  return pairs;
}

// Symbolic dimensions often carry the feature's name (`route.length`), which a rename changes too.
const looseShape = (s: readonly (number | string)[]): string => s.map((d) => (typeof d === 'string' ? '?' : d)).join(',');

function diffInputs(sig: string, olds: readonly ManifestInput[], news: readonly ManifestInput[], out: Collector): void {
  const o = byName(olds);
  const n = byName(news);
  const removed = olds.filter((x) => !n.has(x.name));
  const added = news.filter((x) => !o.has(x.name));
  const renames = pairRenames(removed, added, (x) => `${x.dtype}|${looseShape(x.shape)}|${x.encoding}|${x.kind}`);
  const common: [ManifestInput, ManifestInput][] = olds.filter((x) => n.has(x.name)).map((x) => [x, n.get(x.name)!]);
  for (const [r, a] of renames) {
    out.add({
      kind: 'breaking',
      signature: sig,
      path: `${sig}.inputs.${r.name}.name`,
      message: `input \`${r.name}\` was renamed to \`${a.name}\`; clients still send \`${r.name}\``,
      old: r.name,
      new: a.name,
    });
    common.push([r, a]);
  }
  for (const r of removed) {
    if (renames.some(([x]) => x === r)) continue;
    out.add({
      kind: 'breaking',
      signature: sig,
      path: `${sig}.inputs.${r.name}`,
      message: `input \`${r.name}\` was removed; clients that send it fail`,
      old: r,
    });
  }
  for (const a of added) {
    if (renames.some(([, x]) => x === a)) continue;
    if (a.default !== null)
      out.add({
        kind: 'compatible',
        signature: sig,
        path: `${sig}.inputs.${a.name}`,
        message: `new optional input \`${a.name}\` (${a.dtype}${shapeText(a.shape)}, default ${show(a.default)})`,
        new: a,
      });
    else
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${sig}.inputs.${a.name}`,
        message: `new required input \`${a.name}\` has no default; every client must send it`,
        new: a,
      });
  }
  for (const [a, b] of common) {
    const p = `${sig}.inputs.${b.name}`;
    const field = (name: keyof ManifestInput, message: string): void => {
      if (!same(a[name], b[name])) out.add({ kind: 'breaking', signature: sig, path: `${p}.${name}`, message, old: a[name], new: b[name] });
    };
    field('dtype', `input \`${b.name}\` changed dtype from ${a.dtype} to ${b.dtype}`);
    field('shape', `input \`${b.name}\` changed shape from ${shapeText(a.shape)} to ${shapeText(b.shape)}`);
    field('feature', `input \`${b.name}\` now carries feature \`${b.feature}\` instead of \`${a.feature}\``);
    field('kind', `input \`${b.name}\` changed feature kind from ${a.kind} to ${b.kind}`);
    field('encoding', `input \`${b.name}\` changed encoding from ${a.encoding} to ${b.encoding}`);
    field(
      'default',
      `input \`${b.name}\` changed default from ${show(a.default)} to ${show(b.default)}; clients that rely on it send a different value`,
    );
    field('outOfGraph', `the steps a client runs before sending input \`${b.name}\` changed`);
  }
}

function diffOutputs(sig: string, olds: readonly ManifestOutput[], news: readonly ManifestOutput[], out: Collector): void {
  const o = byName(olds);
  const n = byName(news);
  const removed = olds.filter((x) => !n.has(x.name));
  const added = news.filter((x) => !o.has(x.name));
  const renames = pairRenames(removed, added, (x) => `${x.dtype}|${looseShape(x.shape)}`);
  const common: [ManifestOutput, ManifestOutput][] = olds.filter((x) => n.has(x.name)).map((x) => [x, n.get(x.name)!]);
  for (const [r, a] of renames) {
    out.add({
      kind: 'breaking',
      signature: sig,
      path: `${sig}.outputs.${r.name}.name`,
      message: `output \`${r.name}\` was renamed to \`${a.name}\`; clients still read \`${r.name}\``,
      old: r.name,
      new: a.name,
    });
    common.push([r, a]);
  }
  for (const r of removed) {
    if (!renames.some(([x]) => x === r))
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${sig}.outputs.${r.name}`,
        message: `output \`${r.name}\` was removed; clients that read it fail`,
        old: r,
      });
  }
  for (const a of added) {
    if (!renames.some(([, x]) => x === a))
      out.add({
        kind: 'compatible',
        signature: sig,
        path: `${sig}.outputs.${a.name}`,
        message: `new output \`${a.name}\` (${a.dtype}${shapeText(a.shape)})`,
        new: a,
      });
  }
  for (const [a, b] of common) {
    const p = `${sig}.outputs.${b.name}`;
    if (a.dtype !== b.dtype)
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${p}.dtype`,
        message: `output \`${b.name}\` changed dtype from ${a.dtype} to ${b.dtype}`,
        old: a.dtype,
        new: b.dtype,
      });
    if (!same(a.shape, b.shape))
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${p}.shape`,
        message: `output \`${b.name}\` changed shape from ${shapeText(a.shape)} to ${shapeText(b.shape)}`,
        old: a.shape,
        new: b.shape,
      });
    if (a.output !== b.output)
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${p}.output`,
        message: `output \`${b.name}\` now carries model output \`${b.output}\` instead of \`${a.output}\``,
        old: a.output,
        new: b.output,
      });
  }
}

function diffSignature(
  a: ManifestSignature,
  b: ManifestSignature,
  oldManifest: ArtifactManifest,
  newManifest: ArtifactManifest,
  out: Collector,
): void {
  const sig = b.name;
  diffInputs(sig, a.inputs, b.inputs, out);
  diffOutputs(sig, a.outputs, b.outputs, out);
  if (a.version !== b.version)
    out.add({
      kind: 'patch',
      signature: sig,
      path: `${sig}.version`,
      message: `signature \`${sig}\` is now version ${b.version} (was ${a.version})`,
      old: a.version,
      new: b.version,
    });
  if (a.onnx.opset !== b.onnx.opset || a.onnx.irVersion !== b.onnx.irVersion) {
    out.add({
      kind: 'compatible',
      signature: sig,
      path: `${sig}.onnx`,
      message: `signature \`${sig}\` now needs ONNX opset ${b.onnx.opset} and IR version ${b.onnx.irVersion} (was ${a.onnx.opset} and ${a.onnx.irVersion}); check that the serving runtime supports them`,
      old: a.onnx,
      new: b.onnx,
    });
  }
  if (a.file !== b.file)
    out.add({
      kind: 'patch',
      signature: sig,
      path: `${sig}.file`,
      message: `signature \`${sig}\` is now in \`${b.file}\` (was \`${a.file}\`)`,
      old: a.file,
      new: b.file,
    });
  const oldHash = oldManifest.files[a.file]?.sha256;
  const newHash = newManifest.files[b.file]?.sha256;
  if (oldHash !== newHash)
    out.add({
      kind: 'patch',
      signature: sig,
      path: `${sig}.model`,
      message: `the ONNX model of \`${sig}\` changed (weights or graph)`,
      old: oldHash,
      new: newHash,
    });
}

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
    for (const key of new Set([...Object.keys(ta.args), ...Object.keys(tb.args)])) {
      const [x, y] = [ta.args[key], tb.args[key]];
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

function diffFeatureList(
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

function diffHash(a: ArtifactManifest['hash'], b: ArtifactManifest['hash'], out: Collector): void {
  for (const key of ['name', 'seed', 'input', 'bucket'] as const) {
    if (!same(a[key], b[key]))
      out.add({
        kind: 'breaking',
        path: `hash.${key}`,
        message: `the feature hash changed its ${key} from ${show(a[key])} to ${show(b[key])}; every hashed id differs`,
        old: a[key],
        new: b[key],
      });
  }
  const oldVectors = new Map(a.vectors.map((v) => [v.key, v]));
  for (const v of b.vectors) {
    const w = oldVectors.get(v.key);
    if (!w) continue;
    const differs = w.murmur3 !== v.murmur3 || Object.entries(v.buckets).some(([bits, id]) => bits in w.buckets && w.buckets[bits] !== id);
    if (differs)
      out.add({
        kind: 'breaking',
        path: `hash.vectors.${JSON.stringify(v.key)}`,
        message: `the feature hash of ${JSON.stringify(v.key)} changed; clients computing the old ids send wrong ones`,
        old: w,
        new: v,
      });
  }
}

function diffTraining(a: ArtifactManifest, b: ArtifactManifest, out: Collector): void {
  const m0 = a.training.metrics;
  const m1 = b.training.metrics;
  for (const key of new Set([...Object.keys(m0), ...Object.keys(m1)])) {
    const [x, y] = [m0[key], m1[key]];
    if (x === y) continue;
    const delta = typeof x === 'number' && typeof y === 'number' ? ` (${y - x >= 0 ? '+' : ''}${Number((y - x).toPrecision(4))})` : '';
    out.add({
      kind: 'patch',
      path: `training.metrics.${key}`,
      message: `metric \`${key}\`: ${show(x ?? null)} to ${show(y ?? null)}${delta}`,
      old: x ?? null,
      new: y ?? null,
    });
  }
  if (!same(a.training.data, b.training.data)) {
    const rows = (d: ArtifactManifest['training']['data']): string =>
      Object.entries(d.rows)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'no rows';
    out.add({
      kind: 'patch',
      path: 'training.data',
      message: `the training data changed (${rows(a.training.data)} to ${rows(b.training.data)})`,
      old: a.training.data,
      new: b.training.data,
    });
  }
}

function signatureSummaries(a: ArtifactManifest, b: ArtifactManifest, changes: readonly ManifestChange[]): SignatureSummary[] {
  const names = [...new Set([...b.signatures.map((s) => s.name), ...a.signatures.map((s) => s.name)])];
  return names.map((name) => {
    const before = a.signatures.find((s) => s.name === name);
    const after = b.signatures.find((s) => s.name === name);
    // A signature that is new or removed has no clients that the feature spec's changes could break.
    const carried = new Set(before && after ? [...before.inputs, ...after.inputs].map((i) => i.feature) : []);
    const shared = before !== undefined && after !== undefined;
    const mine = changes.filter(
      (c) =>
        c.signature === name ||
        (c.feature !== undefined && c.path.startsWith('features.') && carried.has(c.feature)) ||
        (shared && c.path.startsWith('hash.')),
    );
    const bump = maxBump(mine.map((c) => changeBump[c.kind]));
    const contractBump = maxBump(mine.filter((c) => c.kind !== 'patch').map((c) => changeBump[c.kind]));
    const declaredBump = before && after ? bumpBetween(before.version, after.version) : null;
    return {
      name,
      oldVersion: before?.version ?? null,
      newVersion: after?.version ?? null,
      bump,
      contractBump,
      declaredBump,
      understated: declaredBump !== null && bumpRank(declaredBump) < bumpRank(contractBump),
    };
  });
}

export function maxBump(bumps: readonly Bump[]): Bump {
  return bumps.reduce<Bump>((m, b) => (bumpRank(b) > bumpRank(m) ? b : m), 'none');
}

/**
 * Classifies every change from `a` to `b`: in each signature's inputs and outputs, in the
 * feature spec (kinds, defaults, transforms and their fitted statistics), in the hash, and
 * in what only needs a patch (weights, IR, metrics, training data). Signatures are matched
 * by name, inputs and outputs by name with renames detected.
 */
export function diffManifests(a: ArtifactManifest, b: ArtifactManifest): ManifestDiff {
  const out = new Collector();
  if (a.name !== b.name)
    out.add({ kind: 'breaking', path: 'name', message: `the model is now \`${b.name}\` (was \`${a.name}\`)`, old: a.name, new: b.name });
  const oldSigs = byName(a.signatures);
  const newSigs = byName(b.signatures);
  for (const s of a.signatures) {
    const t = newSigs.get(s.name);
    if (t) diffSignature(s, t, a, b, out);
    else
      out.add({
        kind: 'breaking',
        signature: s.name,
        path: s.name,
        message: `signature \`${s.name}\` was removed; its clients fail`,
        old: s.version,
      });
  }
  for (const t of b.signatures) {
    if (!oldSigs.has(t.name))
      out.add({
        kind: 'compatible',
        signature: t.name,
        path: t.name,
        message: `new signature \`${t.name}\` @ ${t.version}`,
        new: t.version,
      });
  }
  diffFeatureList('features', a.features, b.features, out);
  diffFeatureList('labels', a.labels, b.labels, out);
  diffHash(a.hash, b.hash, out);
  for (const [file, label] of [
    ['weights.safetensors', 'the weights changed'],
    ['ir.json', 'the IR changed'],
    ['vectors.json', 'the golden vectors changed'],
  ] as const) {
    const [x, y] = [a.files[file]?.sha256, b.files[file]?.sha256];
    if (x !== y) out.add({ kind: 'patch', path: `files.${file}`, message: label, old: x, new: y });
  }
  diffTraining(a, b, out);
  if (a.birdVersion !== b.birdVersion)
    out.add({
      kind: 'patch',
      path: 'birdVersion',
      message: `exported by bird ${b.birdVersion} (was ${a.birdVersion})`,
      old: a.birdVersion,
      new: b.birdVersion,
    });
  if (a.irVersion !== b.irVersion)
    out.add({
      kind: 'patch',
      path: 'irVersion',
      message: `ir.json is now format version ${b.irVersion} (was ${a.irVersion})`,
      old: a.irVersion,
      new: b.irVersion,
    });
  const changes = out.changes;
  return {
    old: { name: a.name, version: a.version },
    new: { name: b.name, version: b.version },
    changes,
    signatures: signatureSummaries(a, b, changes),
    bump: maxBump(changes.map((c) => changeBump[c.kind])),
  };
}
