import type { ArtifactManifest } from './manifest.js';
import { diffFeatureList } from './diffFeatureList.js';
import { diffSignature } from './diffSignature.js';
import { byName, changeBump, Collector, same, show, type ManifestChange } from './manifestChange.js';
import { bumpBetween, bumpRank, type Bump } from './versions.js';

export type { ChangeKind, ManifestChange } from './manifestChange.js';

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
