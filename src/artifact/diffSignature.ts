import type { ArtifactManifest, ManifestInput, ManifestOutput, ManifestSignature } from './manifest.js';
import { byName, comparedArgs, same, shapeText, show, type Collector } from './manifestChange.js';

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
    if (!same(a.columns ?? null, b.columns ?? null))
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${p}.columns`,
        message: `the columns of feature group \`${b.feature}\` (input \`${b.name}\`) changed; clients send other values`,
        old: a.columns ?? null,
        new: b.columns ?? null,
      });
    const steps = (i: ManifestInput): unknown => i.outOfGraph.map((st) => ({ op: st.op, args: comparedArgs(st.op, st.args) }));
    if (!same(steps(a), steps(b)))
      out.add({
        kind: 'breaking',
        signature: sig,
        path: `${p}.outOfGraph`,
        message: `the steps a client runs before sending input \`${b.name}\` changed`,
        old: a.outOfGraph,
        new: b.outOfGraph,
      });
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

/** The changes in one signature kept under its name: its inputs and outputs (renames paired), version, ONNX opset, file and model. */
export function diffSignature(
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
