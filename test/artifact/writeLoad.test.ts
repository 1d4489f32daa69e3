import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ArtifactError } from '../../src/artifact/artifactError.js';
import { assembleArtifact, sha256Hex } from '../../src/artifact/assembleArtifact.js';
import { loadArtifact, readManifest } from '../../src/artifact/loadArtifact.js';
import { decodeSafetensors, float32Values } from '../../src/artifact/safetensors.js';
import type { GoldenVectors } from '../../src/artifact/vectors.js';
import { writeArtifact } from '../../src/artifact/writeArtifact.js';
import { artifactInput, signature, vectorsFor } from './fixtures.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const roots: string[] = [];
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bird-artifact-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function caught(f: () => unknown): ArtifactError {
  try {
    f();
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error('expected an ArtifactError');
}

const schema = JSON.parse(readFileSync(join(repoRoot, 'docs', 'manifest.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe('writeArtifact and loadArtifact', () => {
  test('write then load gives back every part', () => {
    const root = tempRoot();
    const input = artifactInput();
    const dir = writeArtifact(root, input);
    expect(dir).toBe(join(root, 'Ranker', '1.0.0'));
    expect(readdirSync(dir).sort()).toEqual(['ir.json', 'manifest.json', 'model.onnx', 'vectors.json', 'weights.safetensors']);
    expect(readdirSync(join(root, 'Ranker')).sort()).toEqual(['1.0.0', '1.0.0.sha256']);
    expect(readFileSync(join(root, 'Ranker', '1.0.0.sha256'), 'utf8')).toBe(
      `${sha256Hex(readFileSync(join(dir, 'manifest.json')))}  1.0.0/manifest.json\n`,
    );

    // The fixture's IR and ONNX bytes are stand-ins that loadArtifact would refuse (test/artifact/tamper.test.ts loads a real export): read each part back.
    const loaded = {
      manifest: readManifest(dir),
      ir: JSON.parse(readFileSync(join(dir, 'ir.json'), 'utf8')) as unknown,
      weights: decodeSafetensors(readFileSync(join(dir, 'weights.safetensors'))),
      models: new Map([['serve', new Uint8Array(readFileSync(join(dir, 'model.onnx')))]]),
      vectors: JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8')) as GoldenVectors,
    };
    expect(loaded.manifest).toEqual(assembleArtifact(input).manifest);
    expect(loaded.ir).toEqual(input.graph);
    expect([...float32Values(loaded.weights.tensors.get('dense/kernel')!)]).toEqual([0.5, -1.5]);
    expect(loaded.weights.tensors.get('dense/kernel')!.shape).toEqual([2, 1]);
    expect(loaded.weights.metadata).toEqual({ format: 'bird-weights/1', model: 'Ranker' });
    expect(loaded.models.get('serve')).toEqual(input.signatures[0]!.onnx);
    expect(loaded.vectors.tolerance).toEqual({ abs: 1e-5, rel: 1e-4 });
    // NaN, a missing float, has no JSON number: it is the string "NaN".
    expect(loaded.vectors.signatures['serve']!.inputs['distance']).toEqual({ dtype: 'float32', shape: [2], data: [0.1, 'NaN'] });
    expect(loaded.vectors.signatures['serve']!.inputs['origin']).toEqual({ dtype: 'string', shape: [2], data: ['ORD', ''] });
  });

  test('the manifest holds the signatures, the feature spec, the hash, the training data and every hash', () => {
    const { manifest, files } = assembleArtifact(artifactInput());
    expect(manifest).toMatchObject({ format: 'bird-artifact/1', name: 'Ranker', version: '1.0.0', birdVersion: '0.1.0', irVersion: 1 });
    expect(manifest.signatures).toHaveLength(1);
    expect(manifest.signatures[0]).toMatchObject({
      name: 'serve',
      version: '1.0.0',
      file: 'model.onnx',
      onnx: { opset: 17, irVersion: 9 },
    });
    expect(manifest.signatures[0]!.inputs[2]).toEqual({
      name: 'words',
      dtype: 'int64',
      shape: ['batch', 'words.length'],
      feature: 'words',
      kind: 'sparse_binary',
      encoding: 'padded_ids',
      default: null,
      outOfGraph: [{ op: 'hash_bucket', args: { bits: 18 } }],
    });
    expect(manifest.features.map((f) => f.name)).toEqual(['distance', 'origin', 'words', 'hour']);
    expect(manifest.labels.map((f) => f.name)).toEqual(['delayed']);
    expect(manifest.features[1]!.transforms[0]!.args['vocabulary']).toEqual(['ORD', 'LAX', 'DFW']);
    expect(manifest.features[0]).not.toHaveProperty('node');
    expect(manifest.hash).toMatchObject({ name: 'murmur3_x86_32', seed: 0x62697264, input: 'utf8' });
    // docs/data.md's table.
    expect(manifest.hash.vectors.find((v) => v.key === 'LAS')).toEqual({
      key: 'LAS',
      utf8: '4c4153',
      murmur3: 0xc8cb1d51,
      buckets: { '1': 1, '12': 2764, '18': 216964, '30': expect.any(Number) },
    });
    expect(manifest.hash.vectors.find((v) => v.key === '🐦')).toMatchObject({
      utf8: 'f09f90a6',
      murmur3: 0xc956f50f,
      buckets: { '12': 2888, '18': 206693 },
    });
    expect(manifest.hash.vectors.find((v) => v.key === '')!.buckets).toEqual({ '1': 0, '12': 0, '18': 0, '30': 0 });
    expect(manifest.training).toEqual({
      data: { files: [{ path: 'data/flights.csv.gz', bytes: 1234, sha256: 'ab'.repeat(32) }], rows: { train: 5000, eval: 1000 } },
      metrics: { auc: 0.71, rce: 3.2 },
    });
    expect(Object.keys(manifest.files).sort()).toEqual(['ir.json', 'model.onnx', 'vectors.json', 'weights.safetensors']);
    for (const [name, entry] of Object.entries(manifest.files))
      expect(entry).toEqual({ sha256: sha256Hex(files.get(name)!), bytes: files.get(name)!.byteLength });
    expect(JSON.stringify(manifest)).not.toMatch(/created|time|date/i);
  });

  test('the manifest validates against docs/manifest.schema.json', () => {
    const sigs = [
      signature('serve'),
      signature('score', { inputs: [], outputs: [{ name: 'logit', dtype: 'float32', shape: ['batch'], output: 'logit' }] }),
    ];
    for (const input of [artifactInput(), artifactInput({ signatures: sigs, vectors: vectorsFor(sigs), metrics: { auc: NaN } })]) {
      const manifest = JSON.parse(new TextDecoder().decode(assembleArtifact(input).files.get('manifest.json')));
      const ok = validate(manifest);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    expect(validate({ ...assembleArtifact(artifactInput()).manifest, createdAt: '2026-01-01' })).toBe(false);
  });

  test('is reproducible: the same input gives the same bytes', () => {
    const a = writeArtifact(tempRoot(), artifactInput());
    const b = writeArtifact(tempRoot(), artifactInput());
    for (const file of readdirSync(a)) expect(readFileSync(join(b, file))).toEqual(readFileSync(join(a, file)));
  });

  test('writes each further signature to its own file, named in the manifest', () => {
    const sigs = [signature('serve'), signature('score'), signature('model')];
    const dir = writeArtifact(tempRoot(), artifactInput({ signatures: sigs, vectors: vectorsFor(sigs) }));
    const manifest = readManifest(dir);
    expect(manifest.signatures.map((s) => [s.name, s.file])).toEqual([
      ['serve', 'model.onnx'],
      ['score', 'score.onnx'],
      ['model', 'model.signature.onnx'],
    ]);
    for (const [k, s] of sigs.entries()) expect(new Uint8Array(readFileSync(join(dir, manifest.signatures[k]!.file)))).toEqual(s.onnx);
  });

  test('refuses to overwrite an existing version, and leaves it as it was', () => {
    const root = tempRoot();
    const dir = writeArtifact(root, artifactInput());
    const before = readFileSync(join(dir, 'manifest.json'));
    const error = caught(() => writeArtifact(root, artifactInput({ metrics: { auc: 0.99 } })));
    expect(error.code).toBe('artifact-exists');
    expect(error.message).toBe(`artifact Ranker 1.0.0 already exists at ${dir}`);
    expect(error.hint).toMatch(/export a higher version/);
    expect(readFileSync(join(dir, 'manifest.json'))).toEqual(before);
    expect(readdirSync(join(root, 'Ranker')).sort()).toEqual(['1.0.0', '1.0.0.sha256']);
  });

  test('refuses an existing empty folder too', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'Ranker', '1.0.0'), { recursive: true });
    expect(caught(() => writeArtifact(root, artifactInput())).code).toBe('artifact-exists');
  });
});

describe('loadArtifact refuses a tampered or incomplete artifact', () => {
  const sigs = [signature('serve'), signature('score')];
  const fresh = (): string => writeArtifact(tempRoot(), artifactInput({ signatures: sigs, vectors: vectorsFor(sigs) }));

  test.each(['ir.json', 'weights.safetensors', 'model.onnx', 'score.onnx', 'vectors.json'])('a flipped byte in %s', (file) => {
    const dir = fresh();
    const expected = readManifest(dir).files[file]!.sha256;
    const bytes = readFileSync(join(dir, file));
    bytes[bytes.length >> 1]! ^= 0x01;
    writeFileSync(join(dir, file), bytes);
    const error = caught(() => loadArtifact(dir));
    expect(error.code).toBe('artifact-hash-mismatch');
    expect(error.file).toBe(join(dir, file));
    expect(error.message).toBe(
      `\`${file}\` of artifact Ranker 1.0.0 does not match its manifest: its sha256 is ${sha256Hex(bytes)}, the manifest says ${expected}`,
    );
    expect(error.hint).toMatch(/changed after export/);
  });

  test.each(['ir.json', 'weights.safetensors', 'model.onnx', 'score.onnx', 'vectors.json'])('a missing %s', (file) => {
    const dir = fresh();
    unlinkSync(join(dir, file));
    const error = caught(() => loadArtifact(dir));
    expect(error.code).toBe('artifact-missing-file');
    expect(error.message).toBe(`artifact Ranker 1.0.0 is incomplete: \`${file}\` is missing from ${dir}`);
  });

  test('a missing manifest, or a folder that does not exist', () => {
    const dir = fresh();
    unlinkSync(join(dir, 'manifest.json'));
    expect(caught(() => loadArtifact(dir)).message).toBe(`${dir} has no manifest.json, so it is not an artifact`);
    expect(caught(() => loadArtifact(join(dir, 'nope'))).code).toBe('artifact-missing-file');
  });

  test.each([
    ['not JSON', (text: string) => text.slice(0, 20), /is not JSON/],
    [
      'an unknown format',
      (text: string) => text.replace('bird-artifact/1', 'bird-artifact/9'),
      /format is "bird-artifact\/9", and this version of bird reads "bird-artifact\/1"/,
    ],
    [
      'a file entry removed',
      (text: string) => JSON.stringify({ ...JSON.parse(text), files: {} }),
      /`\/files` must have required property 'ir.json'/,
    ],
    [
      'a file name leaving the folder',
      (text: string) =>
        JSON.stringify({ ...JSON.parse(text), files: { ...JSON.parse(text).files, '../x': { sha256: '0'.repeat(64), bytes: 1 } } }),
      /"\.\.\/x" is not a plain file name/,
    ],
    [
      'another version than its folder',
      (text: string) => text.replace('"version": "1.0.0"', '"version": "1.0.1"'),
      /says version 1\.0\.1, but the folder is 1\.0\.0/,
    ],
  ])('a manifest with %s', (_name, edit, message) => {
    const dir = fresh();
    // Without the digest recorded at export, which would refuse any edit first (BIRD6021).
    unlinkSync(`${dir}.sha256`);
    writeFileSync(join(dir, 'manifest.json'), edit(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    const error = caught(() => loadArtifact(dir));
    expect(error.code).toBe('artifact-bad-manifest');
    expect(error.message).toMatch(message);
  });

  test('a manifest edited in any way, with the digest recorded at export beside the folder', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'manifest.json'), readFileSync(join(dir, 'manifest.json'), 'utf8').replace('"auc": 0.71', '"auc": 0.91'));
    const error = caught(() => loadArtifact(dir));
    expect(error.code).toBe('artifact-digest-mismatch');
    expect(error.message).toMatch(
      /^the manifest of .* is not the one exported: its digest is sha256:[0-9a-f]{64}, .*1\.0\.0\.sha256 says sha256:[0-9a-f]{64}$/,
    );
  });
});

describe('assembleArtifact checks its input', () => {
  test.each([
    ['a version that is not semver', { version: 'v1.0' }, 'artifact-bad-version', 'version "v1.0" is not a semantic version'],
    [
      'no signature',
      { signatures: [], vectors: { tolerance: { abs: 0, rel: 0 }, signatures: {} } },
      'artifact-bad-input',
      'model `Ranker` exports no signature',
    ],
    [
      'vectors for an unknown signature',
      { vectors: vectorsFor([signature('serve'), signature('other')]) },
      'artifact-bad-input',
      'the golden vectors name signature `other`, which is not exported',
    ],
    [
      'a signature without vectors',
      { vectors: { tolerance: { abs: 0, rel: 0 }, signatures: {} } },
      'artifact-bad-input',
      'signature `serve` has no golden vectors',
    ],
    [
      'a negative tolerance',
      { vectors: { ...vectorsFor([signature('serve')]), tolerance: { abs: -1, rel: 0 } } },
      'artifact-bad-input',
      "the golden vectors' tolerance {abs: -1, rel: 0} is not two finite numbers >= 0",
    ],
    [
      'a version other than the IR declares',
      { signatures: [signature('serve', { version: '2.0.0' })] },
      'artifact-bad-input',
      'signature `serve` is exported as 2.0.0 but the IR declares 1.0.0',
    ],
  ])('refuses %s', (_name, overrides, code, message) => {
    const error = caught(() => assembleArtifact(artifactInput(overrides)));
    expect([error.code, error.message]).toEqual([code, message]);
  });

  test('refuses golden vectors that do not fit the signature', () => {
    const v = vectorsFor([signature('serve')]);
    const serve = v.signatures['serve']!;
    const wrongDtype = {
      ...v,
      signatures: { serve: { ...serve, inputs: { ...serve.inputs, hour: { dtype: 'float32' as const, shape: [2], data: [1, 2] } } } },
    };
    expect(caught(() => assembleArtifact(artifactInput({ vectors: wrongDtype }))).message).toBe(
      'golden inputs `hour` of signature `serve` is float32[2], but the signature says int64[batch]',
    );
    const lacking = Object.fromEntries(Object.entries(serve.inputs).filter(([name]) => name !== 'hour'));
    expect(
      caught(() => assembleArtifact(artifactInput({ vectors: { ...v, signatures: { serve: { ...serve, inputs: lacking } } } }))).message,
    ).toBe('the golden vectors of signature `serve` lack inputs `hour`');
    const extra = { ...serve.outputs, bonus: serve.outputs['p_delayed']! };
    expect(
      caught(() => assembleArtifact(artifactInput({ vectors: { ...v, signatures: { serve: { ...serve, outputs: extra } } } }))).message,
    ).toMatch(/have outputs `bonus`, which the signature lacks/);
  });

  test('leaves no temporary folder behind when it refuses', () => {
    const root = tempRoot();
    expect(() => writeArtifact(root, artifactInput({ version: 'nope' }))).toThrow(ArtifactError);
    expect(existsSync(join(root, 'Ranker')) ? readdirSync(join(root, 'Ranker')) : []).toEqual([]);
  });
});
