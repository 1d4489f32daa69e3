import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { ArtifactError } from '../../src/artifact/artifactError.js';
import { assembleArtifact, type ArtifactInput } from '../../src/artifact/assembleArtifact.js';
import { checkVersionBump } from '../../src/artifact/checkVersionBump.js';
import { diffManifests, type ManifestDiff } from '../../src/artifact/diffManifests.js';
import { formatDiff } from '../../src/artifact/formatDiff.js';
import type { ArtifactManifest } from '../../src/artifact/manifest.js';
import { bumpBetween, latestVersion } from '../../src/artifact/versions.js';
import type { ExportedSignature, SignatureInput } from '../../src/backends/onnx/exportedSignature.js';
import type { IrFeature } from '../../src/ir/ir.js';
import { artifactInput, editable, features, graph, hashSpec, serveInputs, signature, vectorsFor } from './fixtures.js';

const base = assembleArtifact(artifactInput()).manifest;

/** The manifest of an artifact built from the base input with its signatures (and their vectors) replaced. */
function withSignatures(sigs: ExportedSignature[], overrides: Partial<ArtifactInput> = {}): ArtifactManifest {
  const g = graph({ signatures: sigs.map((s) => ({ name: s.name, version: s.version, inputs: [], outputs: [] })) });
  return assembleArtifact(artifactInput({ graph: g, signatures: sigs, vectors: vectorsFor(sigs), version: '2.0.0', ...overrides }))
    .manifest;
}

function withInputs(inputs: SignatureInput[]): ArtifactManifest {
  return withSignatures([signature('serve', { inputs })]);
}

function withFeature(name: string, edit: (f: IrFeature) => IrFeature): ArtifactManifest {
  return assembleArtifact(artifactInput({ graph: graph({ features: features.map((f) => (f.name === name ? edit(f) : f)) }) })).manifest;
}

function withTransformArgs(name: string, index: number, args: Record<string, unknown>): ArtifactManifest {
  return withFeature(name, (f) => ({
    ...f,
    transforms: f.transforms.map((t, i) => (i === index ? { ...t, args: { ...t.args, ...args } as IrFeature['args'] } : t)),
  }));
}

/** The changes without the patch-level ones every rebuilt artifact has (IR, vectors, models). */
function contract(diff: ManifestDiff): { kind: string; path: string; signature?: string; feature?: string }[] {
  return diff.changes
    .filter((c) => c.kind !== 'patch')
    .map((c) => ({
      kind: c.kind,
      path: c.path,
      ...(c.signature ? { signature: c.signature } : {}),
      ...(c.feature ? { feature: c.feature } : {}),
    }));
}

const input = (name: string, extra: Partial<SignatureInput> = {}): SignatureInput => ({
  ...serveInputs.find((i) => i.name === name)!,
  ...extra,
});

describe('diffManifests classifies every change', () => {
  test('nothing changed: no changes, no bump', () => {
    const diff = diffManifests(base, assembleArtifact(artifactInput()).manifest);
    expect(diff.changes).toEqual([]);
    expect(diff.bump).toBe('none');
    expect(diff.signatures).toEqual([
      {
        name: 'serve',
        oldVersion: '1.0.0',
        newVersion: '1.0.0',
        bump: 'none',
        contractBump: 'none',
        declaredBump: 'none',
        understated: false,
      },
    ]);
  });

  test('weights only: patch', () => {
    const next = assembleArtifact(
      artifactInput({
        weights: [
          { name: 'dense/kernel', shape: [2, 1], values: Float32Array.from([0.6, -1.4]) },
          { name: 'dense/bias', shape: [1], values: Float32Array.from([0.1]) },
        ],
      }),
    ).manifest;
    const diff = diffManifests(base, next);
    expect(diff.changes.map((c) => [c.kind, c.path])).toEqual([['patch', 'files.weights.safetensors']]);
    expect(diff.bump).toBe('patch');
  });

  test('a retrained model (weights, ONNX model, metrics, data): patch, with the metric deltas', () => {
    const next = assembleArtifact(
      artifactInput({
        signatures: [signature('serve', { onnx: Uint8Array.from([1, 2, 3]) })],
        metrics: { auc: 0.73, rce: 3.2, logloss: 0.5 },
        data: { files: [], rows: { train: 6000 } },
      }),
    ).manifest;
    const diff = diffManifests(base, next);
    expect(diff.changes.every((c) => c.kind === 'patch')).toBe(true);
    expect(diff.changes.map((c) => c.path)).toEqual(['serve.model', 'training.metrics.auc', 'training.metrics.logloss', 'training.data']);
    expect(diff.changes[1]!.message).toBe('metric `auc`: 0.71 to 0.73 (+0.02)');
    expect(diff.bump).toBe('patch');
    expect(diff.signatures[0]!.bump).toBe('patch');
  });

  test('removed input: breaking, major', () => {
    const diff = diffManifests(base, withInputs(serveInputs.filter((i) => i.name !== 'hour')));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.hour', signature: 'serve' }]);
    expect(diff.changes[0]!.message).toBe('input `hour` was removed; clients that send it fail');
    expect(diff.bump).toBe('major');
    expect(diff.signatures[0]).toMatchObject({ bump: 'major', contractBump: 'major' });
  });

  test('renamed input: breaking, reported as one rename', () => {
    const diff = diffManifests(base, withInputs(serveInputs.map((i) => (i.name === 'hour' ? { ...i, name: 'hour_of_day' } : i))));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.hour.name', signature: 'serve' }]);
    expect(diff.changes[0]).toMatchObject({
      message: 'input `hour` was renamed to `hour_of_day`; clients still send `hour`',
      old: 'hour',
      new: 'hour_of_day',
    });
    expect(diff.bump).toBe('major');
  });

  test('a `tokenize` step written before its options existed equals one with their defaults; a changed option is breaking', () => {
    const tokens = (args: Record<string, unknown>): ArtifactManifest =>
      withInputs(
        serveInputs.map((i) =>
          i.name === 'origin'
            ? {
                ...i,
                outOfGraph: [
                  { op: 'tokenize', args },
                  { op: 'hash_bucket', args: { bits: 12 } },
                ],
              }
            : i,
        ),
      );
    const old = tokens({ max: 5, lower: true });
    const defaults = { max: 5, lower: true, ngrams: 1, keep: 'first', normalize: 'none', strip_html: false, stopwords: null };
    expect(contract(diffManifests(old, tokens(defaults)))).toEqual([]);
    const diff = diffManifests(old, tokens({ ...defaults, ngrams: 2 }));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.origin.outOfGraph', signature: 'serve' }]);
    expect(diff.bump).toBe('major');
  });

  test('input dtype change: breaking', () => {
    const diff = diffManifests(base, withInputs(serveInputs.map((i) => (i.name === 'hour' ? input('hour', { dtype: 'float32' }) : i))));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.hour.dtype', signature: 'serve' }]);
    expect(diff.changes[0]).toMatchObject({ message: 'input `hour` changed dtype from int64 to float32', old: 'int64', new: 'float32' });
    expect(diff.bump).toBe('major');
  });

  test('input shape change: breaking', () => {
    const diff = diffManifests(
      base,
      withInputs(serveInputs.map((i) => (i.name === 'distance' ? input('distance', { shape: ['batch', 1] }) : i))),
    );
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.distance.shape', signature: 'serve' }]);
    expect(diff.changes[0]!.message).toBe('input `distance` changed shape from [batch] to [batch, 1]');
    expect(diff.bump).toBe('major');
  });

  test('new optional input with a default: compatible, minor', () => {
    const extra = {
      name: 'month',
      dtype: 'int64' as const,
      shape: ['batch'],
      feature: 'month',
      kind: 'discrete',
      encoding: 'dense' as const,
      default: 0,
      outOfGraph: [],
    };
    const diff = diffManifests(base, withInputs([...serveInputs, extra]));
    expect(contract(diff)).toEqual([{ kind: 'compatible', path: 'serve.inputs.month', signature: 'serve' }]);
    expect(diff.changes[0]!.message).toBe('new optional input `month` (int64[batch], default 0)');
    expect(diff.bump).toBe('minor');
    expect(diff.signatures[0]).toMatchObject({ bump: 'minor', contractBump: 'minor' });
  });

  test('new input without a default: breaking', () => {
    const extra = {
      name: 'tags',
      dtype: 'int64' as const,
      shape: ['batch', 'tags.length'],
      feature: 'tags',
      kind: 'sparse_binary',
      encoding: 'padded_ids' as const,
      default: null,
      outOfGraph: [],
    };
    const diff = diffManifests(base, withInputs([...serveInputs, extra]));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'serve.inputs.tags', signature: 'serve' }]);
    expect(diff.changes[0]!.message).toBe('new required input `tags` has no default; every client must send it');
  });

  test.each([
    ['default', { default: 1 }, 'input `hour` changed default from 0 to 1; clients that rely on it send a different value'],
    ['encoding', { encoding: 'string' as const }, 'input `hour` changed encoding from dense to string'],
    ['feature', { feature: 'month' }, 'input `hour` now carries feature `month` instead of `hour`'],
    ['kind', { kind: 'continuous' }, 'input `hour` changed feature kind from discrete to continuous'],
    ['outOfGraph', { outOfGraph: [{ op: 'clip', args: {} }] }, 'the steps a client runs before sending input `hour` changed'],
  ])('input %s change: breaking', (field, change, message) => {
    const diff = diffManifests(base, withInputs(serveInputs.map((i) => (i.name === 'hour' ? input('hour', change) : i))));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: `serve.inputs.hour.${field}`, signature: 'serve' }]);
    expect(diff.changes[0]!.message).toBe(message);
  });

  test('new output: compatible, minor', () => {
    const sig = signature('serve');
    const diff = diffManifests(
      base,
      withSignatures([
        { ...sig, outputs: [...sig.outputs, { name: 'p_cancelled', dtype: 'float32', shape: ['batch', 1], output: 'p_cancelled' }] },
      ]),
    );
    expect(contract(diff)).toEqual([{ kind: 'compatible', path: 'serve.outputs.p_cancelled', signature: 'serve' }]);
    expect(diff.bump).toBe('minor');
  });

  test('removed, renamed and retyped outputs: breaking', () => {
    const sig = signature('serve');
    expect(contract(diffManifests(base, withSignatures([{ ...sig, outputs: [] }])))).toEqual([
      { kind: 'breaking', path: 'serve.outputs.p_delayed', signature: 'serve' },
    ]);
    expect(contract(diffManifests(base, withSignatures([{ ...sig, outputs: [{ ...sig.outputs[0]!, name: 'p' }] }])))).toEqual([
      { kind: 'breaking', path: 'serve.outputs.p_delayed.name', signature: 'serve' },
    ]);
    expect(contract(diffManifests(base, withSignatures([{ ...sig, outputs: [{ ...sig.outputs[0]!, shape: ['batch'] }] }])))).toEqual([
      { kind: 'breaking', path: 'serve.outputs.p_delayed.shape', signature: 'serve' },
    ]);
  });

  test('new signature: compatible, minor', () => {
    const diff = diffManifests(base, withSignatures([signature('serve'), signature('score')]));
    expect(contract(diff)).toEqual([{ kind: 'compatible', path: 'score', signature: 'score' }]);
    expect(diff.changes.find((c) => c.path === 'score')!.message).toBe('new signature `score` @ 1.0.0');
    expect(diff.bump).toBe('minor');
    expect(diff.signatures.map((s) => [s.name, s.bump])).toEqual([
      ['serve', 'none'],
      ['score', 'minor'],
    ]);
  });

  test('removed signature: breaking, major', () => {
    const two = withSignatures([signature('serve'), signature('score')]);
    const diff = diffManifests(two, base);
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'score', signature: 'score' }]);
    expect(diff.changes[0]!.message).toBe('signature `score` was removed; its clients fail');
    expect(diff.bump).toBe('major');
  });

  test('changed vocabulary: breaking, major, summarized', () => {
    const diff = diffManifests(base, withTransformArgs('origin', 0, { vocabulary: ['ORD', 'LAX', 'SFO', 'JFK'] }));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'features.origin.transforms[0].vocabulary', feature: 'origin' }]);
    expect(diff.changes[0]!.message).toBe(
      'feature `origin`, `vocab`: vocabulary changed (3 to 4 entries, 2 added ("SFO", "JFK"), 1 removed ("DFW")), so ids differ',
    );
    expect(diff.changes[0]).not.toHaveProperty('old');
    expect(diff.bump).toBe('major');
    // The feature belongs to `serve`, so its contract changed too.
    expect(diff.signatures[0]).toMatchObject({ contractBump: 'major', understated: true });
  });

  test('reordered vocabulary: breaking, ids differ', () => {
    const diff = diffManifests(base, withTransformArgs('origin', 0, { vocabulary: ['LAX', 'ORD', 'DFW'] }));
    expect(diff.changes[0]!.message).toMatch(/same entries, new order from position 0, so ids differ/);
  });

  test('changed zscore mean: breaking, major', () => {
    const diff = diffManifests(base, withTransformArgs('distance', 1, { mean: 6.4 }));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'features.distance.transforms[1].mean', feature: 'distance' }]);
    expect(diff.changes[0]).toMatchObject({
      message: 'feature `distance`, `zscore`: fitted statistic `mean` changed from 6.38 to 6.4',
      old: 6.38,
      new: 6.4,
    });
    expect(diff.bump).toBe('major');
  });

  test('changed hash bits: breaking, major', () => {
    const diff = diffManifests(base, withTransformArgs('words', 0, { bits: 20 }));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'features.words.transforms[0].bits', feature: 'words' }]);
    expect(diff.changes[0]!.message).toBe('feature `words`, `hash`: hash bits changed from 18 to 20, so every hashed id differs');
    expect(diff.bump).toBe('major');
  });

  test('changed bucket boundaries: breaking', () => {
    const bucketed = (b: number[]) =>
      withFeature('distance', (f) => ({ ...f, transforms: [{ name: 'bucketize', op: 'bucketize', args: { bins: 3, boundaries: b } }] }));
    const diff = diffManifests(bucketed([1, 2]), bucketed([1, 2.5]));
    expect(contract(diff)).toEqual([{ kind: 'breaking', path: 'features.distance.transforms[0].boundaries', feature: 'distance' }]);
    expect(diff.changes[0]!.message).toBe(
      'feature `distance`, `bucketize`: bucket boundaries changed (2 to 2 boundaries), so buckets differ',
    );
  });

  test('changed transforms, kind, argument and default of a feature: breaking', () => {
    expect(
      contract(
        diffManifests(
          base,
          withFeature('distance', (f) => ({ ...f, transforms: f.transforms.slice(1) })),
        ),
      ),
    ).toEqual([{ kind: 'breaking', path: 'features.distance.transforms', feature: 'distance' }]);
    expect(
      diffManifests(
        base,
        withFeature('distance', (f) => ({ ...f, transforms: f.transforms.slice(1) })),
      ).changes[0]!.message,
    ).toBe('feature `distance` changed transforms from `log1p |> zscore` to `zscore`');
    expect(
      contract(
        diffManifests(
          base,
          withFeature('hour', (f) => ({ ...f, args: { n: 25 } })),
        ),
      ),
    ).toEqual([{ kind: 'breaking', path: 'features.hour.args.n', feature: 'hour' }]);
    expect(
      contract(
        diffManifests(
          base,
          withFeature('distance', (f) => ({ ...f, default: -1 })),
        ),
      ),
    ).toEqual([{ kind: 'breaking', path: 'features.distance.default', feature: 'distance' }]);
    expect(
      contract(
        diffManifests(
          base,
          withFeature('hour', (f) => ({ ...f, kind: 'continuous' })),
        ),
      ),
    ).toEqual([{ kind: 'breaking', path: 'features.hour.kind', feature: 'hour' }]);
  });

  test('a removed feature is breaking, a new one compatible; label changes are patch', () => {
    const fewer = assembleArtifact(artifactInput({ graph: graph({ features: features.filter((f) => f.name !== 'hour') }) })).manifest;
    expect(contract(diffManifests(base, fewer))).toEqual([{ kind: 'breaking', path: 'features.hour', feature: 'hour' }]);
    expect(contract(diffManifests(fewer, base))).toEqual([{ kind: 'compatible', path: 'features.hour', feature: 'hour' }]);
    const label = withFeature('delayed', (f) => ({ ...f, args: { downsample_neg: 0.5 } }));
    const diff = diffManifests(base, label);
    expect(diff.changes.map((c) => [c.kind, c.path])).toEqual([
      ['patch', 'labels.delayed.args.downsample_neg'],
      ['patch', 'files.ir.json'],
    ]);
  });

  test('changed hash function: breaking, major', () => {
    const m = editable(base);
    m.hash.seed = 0;
    m.hash.vectors[1]!.murmur3 = 1;
    const diff = diffManifests(base, m as ArtifactManifest);
    expect(contract(diff)).toEqual([
      { kind: 'breaking', path: 'hash.seed' },
      { kind: 'breaking', path: 'hash.vectors."a"' },
    ]);
    expect(diff.changes[0]!.message).toBe('the feature hash changed its seed from 1651077732 to 0; every hashed id differs');
    expect(diff.signatures[0]!.contractBump).toBe('major');
  });

  test('a new ONNX opset: compatible', () => {
    const diff = diffManifests(base, withSignatures([signature('serve', { opset: 18 })]));
    expect(contract(diff)).toEqual([{ kind: 'compatible', path: 'serve.onnx', signature: 'serve' }]);
  });
});

describe('checkVersionBump', () => {
  const caught = (f: () => unknown): ArtifactError => {
    try {
      f();
    } catch (error) {
      if (error instanceof ArtifactError) return error;
      throw error;
    }
    throw new Error('expected an ArtifactError');
  };
  const removedHour = (version: string, signatureVersion = '2.0.0'): ArtifactManifest =>
    withSignatures([signature('serve', { version: signatureVersion, inputs: serveInputs.filter((i) => i.name !== 'hour') })], { version });

  test('refuses a version that understates a breaking change', () => {
    const error = caught(() => checkVersionBump(base, removedHour('1.1.0')));
    expect(error.code).toBe('artifact-version-understated');
    expect(error.message).toBe(
      'version 1.1.0 is a minor bump from 1.0.0, but the change needs a major bump: input `hour` was removed; clients that send it fail',
    );
    expect(error.hint).toBe('export 2.0.0; `bird diff` lists every change');
    expect(checkVersionBump(base, removedHour('2.0.0')).bump).toBe('major');
  });

  test('refuses a patch bump for a compatible change, accepts minor or more', () => {
    const next = (version: string): ArtifactManifest => withSignatures([signature('serve'), signature('score')], { version });
    expect(caught(() => checkVersionBump(base, next('1.0.1'))).message).toBe(
      'version 1.0.1 is a patch bump from 1.0.0, but the change needs a minor bump: new signature `score` @ 1.0.0',
    );
    expect(checkVersionBump(base, next('1.1.0')).bump).toBe('minor');
    expect(checkVersionBump(base, next('2.0.0')).bump).toBe('minor');
  });

  test('accepts a patch bump for a retrained model', () => {
    const next = assembleArtifact(artifactInput({ version: '1.0.1', metrics: { auc: 0.8, rce: 3 } })).manifest;
    expect(checkVersionBump(base, next).bump).toBe('patch');
  });

  test('refuses a version that is not above the latest', () => {
    for (const version of ['1.0.0', '0.9.0', '1.0.0-rc.1']) {
      const next = assembleArtifact(artifactInput({ version })).manifest;
      const error = caught(() => checkVersionBump(base, next));
      expect([error.code, error.message]).toEqual([
        'artifact-version-understated',
        `version ${version} is not above the latest version 1.0.0`,
      ]);
    }
  });

  test('refuses a signature whose declared version understates its contract change', () => {
    const error = caught(() => checkVersionBump(base, removedHour('2.0.0', '1.0.0')));
    expect(error.message).toBe(
      'signature `serve` stays at 1.0.0, but its contract changed incompatibly: input `hour` was removed; clients that send it fail',
    );
    expect(error.hint).toBe("declare a major bump of the signature's version in the model file");
    expect(caught(() => checkVersionBump(base, removedHour('2.0.0', '1.1.0'))).message).toMatch(
      /^signature `serve` goes from 1.0.0 to 1.1.0, a minor bump, but its contract changed incompatibly/,
    );
  });
});

describe('versions', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('latestVersion orders by semver and ignores everything but version folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'bird-versions-'));
    dirs.push(root);
    const model = join(root, 'Ranker');
    expect(latestVersion(model)).toBeUndefined();
    for (const d of ['1.9.0', '1.10.0', '2.0.0-rc.1', '.3.0.0.tmp-1-abcd', 'v4.0.0', 'notes'])
      mkdirSync(join(model, d), { recursive: true });
    writeFileSync(join(model, '5.0.0'), 'a file, not a version');
    expect(latestVersion(model)).toBe('2.0.0-rc.1');
    mkdirSync(join(model, '2.0.0'));
    expect(latestVersion(model)).toBe('2.0.0');
  });

  test.each([
    ['1.0.0', '2.0.0', 'major'],
    ['1.0.0', '1.1.0', 'minor'],
    ['1.0.0', '1.0.1', 'patch'],
    ['1.2.3', '1.3.0', 'minor'],
    ['2.0.0-rc.1', '2.0.0', 'major'],
    ['2.0.0-rc.1', '2.0.0-rc.2', 'major'],
    ['1.0.0', '1.0.1-rc.1', 'patch'],
    ['1.0.0', '1.0.0', 'none'],
    ['1.1.0', '1.0.9', 'none'],
  ])('bumpBetween(%s, %s) is %s', (from, to, bump) => {
    expect(bumpBetween(from, to)).toBe(bump);
  });
});

describe('formatDiff', () => {
  test('reports the bump, then the changes by signature, feature spec and the rest, breaking first', () => {
    const next = withSignatures(
      [
        signature('serve', { version: '2.0.0', inputs: serveInputs.filter((i) => i.name !== 'hour'), onnx: Uint8Array.from([1]) }),
        signature('score'),
      ],
      {
        graph: graph({
          features: features.map((f) =>
            f.name === 'distance' ? { ...f, transforms: [f.transforms[0]!, { ...f.transforms[1]!, args: { mean: 6.4, std: 0.81 } }] } : f,
          ),
          signatures: [
            { name: 'serve', version: '2.0.0', inputs: [], outputs: [] },
            { name: 'score', version: '1.0.0', inputs: [], outputs: [] },
          ],
        }),
        metrics: { auc: 0.7, rce: 3.2 },
      },
    );
    expect(formatDiff(diffManifests(base, next))).toBe(
      [
        'Ranker 1.0.0 -> 2.0.0: needs a major version (breaking changes)',
        '2 breaking, 1 compatible, 5 patch',
        '',
        'signature serve @ 1.0.0 -> 2.0.0: needs major',
        '  breaking    serve.inputs.hour  input `hour` was removed; clients that send it fail',
        '  patch       serve.version      signature `serve` is now version 2.0.0 (was 1.0.0)',
        '  patch       serve.model        the ONNX model of `serve` changed (weights or graph)',
        '',
        'signature score new @ 1.0.0: needs minor',
        '  compatible  score  new signature `score` @ 1.0.0',
        '',
        'feature spec',
        '  breaking    features.distance.transforms[1].mean  feature `distance`, `zscore`: fitted statistic `mean` changed from 6.38 to 6.4',
        '',
        'other',
        '  patch       files.ir.json         the IR changed',
        '  patch       files.vectors.json    the golden vectors changed',
        '  patch       training.metrics.auc  metric `auc`: 0.71 to 0.7 (-0.01)',
        '',
      ].join('\n'),
    );
  });

  test('the JSON form is the diff itself, plain data', () => {
    const diff = diffManifests(base, withInputs(serveInputs.slice(1)));
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
  });

  test('uses the hash spec of the fixtures', () => {
    expect(hashSpec.vectors.map((v) => v.key)).toContain('LAS');
  });
});
