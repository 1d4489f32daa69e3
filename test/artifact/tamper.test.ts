/**
 * The tamper suite: a real artifact (a small model trained and exported here) changed in
 * every file and every field of its manifest must be refused by `bird verify`, by
 * `bird predict ARTIFACT` and by `openArtifact` (the loader serving uses) with a BIRD6xxx
 * diagnostic and exit 1, never used. Two attackers: one who updates the changed file's
 * sha256 in the manifest (the digest recorded beside the folder at export catches every
 * such change), and one who also deletes that record, against whom the cross-checks alone
 * stand (schemas, the ONNX models' own inputs and outputs, ir.json, the feature hash, the
 * golden vectors replayed and the golden rows re-encoded).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ArtifactError } from '../../src/artifact/artifactError.js';
import { artifactErrorDiagnostic } from '../../src/artifact/artifactErrorDiagnostic.js';
import { loadArtifact } from '../../src/artifact/loadArtifact.js';
import { openArtifact } from '../../src/artifact/openArtifact.js';
import { onnx } from '../../src/backends/onnx/onnxProto.js';
import { runCli } from '../../src/cli/runCli.js';
import { artifactChecks } from '../../src/data/artifactChecks.js';
import { expectGolden } from '../helpers/golden.js';

const root = join(import.meta.dirname, '..', '..');
const cases = join(root, 'test', 'cases', 'artifact', 'tamper');
const project = mkdtempSync(join(tmpdir(), 'bird-tamper-'));
const exported = join(project, 'artifacts', 'Tiny', '1.0.0');
let copies = 0;

async function bird(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: () => undefined, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

beforeAll(async () => {
  cpSync(join(cases, 'tiny.bird'), join(project, 'tiny.bird'));
  cpSync(join(cases, 'tiny.csv'), join(project, 'tiny.csv'));
  const cwd = process.cwd();
  process.chdir(project);
  try {
    expect((await bird('train', 'tiny.bird', '--backend', 'wasm', '--out', 'run')).code).toBe(0);
    expect((await bird('export', 'tiny.bird', '--checkpoint', 'run')).code).toBe(0);
  } finally {
    process.chdir(cwd);
  }
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A fresh copy of the exported version, with its digest record beside it unless `pinned` is false. */
function copy(pinned: boolean): string {
  const dir = join(project, `copy-${++copies}`, 'Tiny', '1.0.0');
  cpSync(exported, dir, { recursive: true });
  if (pinned) cpSync(`${exported}.sha256`, `${dir}.sha256`);
  return dir;
}

type Manifest = { files: Record<string, { sha256: string; bytes: number }> } & Record<string, unknown>;
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const writeManifest = (dir: string, m: unknown): void => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');

/** Replaces a file and, as a careful attacker would, its sha256 and size in the manifest. */
function rewrite(dir: string, file: string, bytes: Uint8Array): void {
  writeFileSync(join(dir, file), bytes);
  const m = readManifest(dir);
  m.files[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  writeManifest(dir, m);
}

function editJson(dir: string, file: string, edit: (v: Record<string, unknown>) => void): void {
  const v = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  edit(v);
  rewrite(dir, file, Buffer.from(JSON.stringify(v, null, 2) + '\n'));
}

/** Every leaf of a JSON value, as a path of keys. */
function leaves(v: unknown, path: string[] = []): string[][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, String(i)]));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]));
  return [path];
}

/** Changes one leaf: a number by one, a string by a letter, a boolean flipped, null to 1. */
function mutateLeaf(m: unknown, path: readonly string[]): void {
  let at = m as Record<string, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const key = path.at(-1)!;
  const v = at[key];
  at[key] = typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}x` : typeof v === 'boolean' ? !v : 1;
}

/** What each of the three readers says about the artifact in `dir`: exit code and BIRD code. */
async function refusals(dir: string): Promise<{ verify: string; predict: string; open: string }> {
  const code = (r: { code: number; stderr: string }): string =>
    r.code === 0 ? '0' : `${r.code} ${/error\[(BIRD\d{4})\]/.exec(r.stderr)?.[1] ?? r.stderr.slice(0, 300)}`;
  const verify = code(await bird('verify', dir));
  const predict = code(await bird('predict', dir, '--data', join(project, 'tiny.csv'), '--out', join(project, `p-${copies}.csv`)));
  let open: string;
  try {
    await openArtifact(dir, artifactChecks);
    open = 'loaded';
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    open = `1 ${artifactErrorDiagnostic(error, dir).code}`;
  }
  return { verify, predict, open };
}

function caughtCode(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof ArtifactError) return artifactErrorDiagnostic(error, '').code;
    throw error;
  }
  return 'accepted';
}

/**
 * Output with what differs between runs masked: the temporary folder, hashes, trained values,
 * and which golden row first disagrees (a changed weight may not reach every row: a unit that
 * ReLU zeroes on a row hides it, and which units those are depends on the training).
 */
const stable = (text: string): string =>
  text
    .replaceAll(project, '<project>')
    .replace(/copy-\d+/g, 'copy-N')
    .replace(/[0-9a-f]{64}/g, '<sha256>')
    .replace(/ is -?[0-9.e-]+, expected -?[0-9.e-]+/, ' is <value>, expected <value>')
    .replace(/ on row \d+ of /, ' on row <n> of ');

const refusedWith = (code: string) => ({ verify: `1 ${code}`, predict: `1 ${code}`, open: `1 ${code}` });

describe('the exported artifact', () => {
  test("is accepted by all three, and its digest record checks with sha256sum's format", async () => {
    expect(await refusals(copy(true))).toEqual({ verify: '0', predict: '0', open: 'loaded' });
    const record = readFileSync(`${exported}.sha256`, 'utf8');
    expect(record).toBe(
      `${createHash('sha256')
        .update(readFileSync(join(exported, 'manifest.json')))
        .digest('hex')}  1.0.0/manifest.json\n`,
    );
    expect(loadArtifact(exported).digest).toBe(`sha256:${record.slice(0, 64)}`);
  }, 60_000);
});

describe('with the digest recorded at export, every change is refused', () => {
  test.each(['ir.json', 'model.onnx', 'score.onnx', 'vectors.json', 'weights.safetensors'])(
    '%s changed by one byte, its sha256 updated (BIRD6021)',
    async (file) => {
      const dir = copy(true);
      const bytes = readFileSync(join(dir, file));
      bytes[bytes.length >> 1]! ^= 0x20;
      rewrite(dir, file, bytes);
      expect(await refusals(dir)).toEqual(refusedWith('BIRD6021'));
    },
    60_000,
  );

  test("each of the manifest's fields changed (BIRD6021)", async () => {
    const paths = leaves(readManifest(exported));
    expect(paths.length).toBeGreaterThan(100);
    for (const [i, path] of paths.entries()) {
      const dir = copy(true);
      const m = readManifest(dir);
      mutateLeaf(m, path);
      writeManifest(dir, m);
      // The digest is checked first, so the commands refuse as loading does: they run on every seventh field.
      if (i % 7 === 0)
        expect({ path: path.join('.'), ...(await refusals(dir)) }).toEqual({ path: path.join('.'), ...refusedWith('BIRD6021') });
      else expect({ path: path.join('.'), code: caughtCode(() => loadArtifact(dir)) }).toEqual({ path: path.join('.'), code: 'BIRD6021' });
      rmSync(join(dir, '..', '..'), { recursive: true });
    }
  }, 180_000);

  test('verify names both digests', async () => {
    const dir = copy(true);
    writeFileSync(join(dir, 'manifest.json'), readFileSync(join(dir, 'manifest.json'), 'utf8').replace('"train": ', '"train": 1'));
    expectGolden(join(cases, 'BIRD6021.result.txt'), stable((await bird('verify', dir)).stderr));
  });

  test("a pinned digest that is not the manifest's, and a damaged record", () => {
    const dir = copy(false);
    const wrong = `sha256:${'0'.repeat(64)}`;
    expect(() => loadArtifact(dir, { digest: wrong })).toThrow(/is not the pinned one/);
    expect(loadArtifact(dir, { digest: loadArtifact(exported).digest }).manifest.name).toBe('Tiny');
    writeFileSync(`${dir}.sha256`, 'not a digest\n');
    expect(() => loadArtifact(dir)).toThrow(/does not hold a sha256 digest/);
  });
});

describe('without the digest, the cross-checks refuse every change a client would act on', () => {
  const onnxEdit = (dir: string, file: string, edit: (m: ReturnType<typeof onnx.ModelProto.decode>) => void): void => {
    const model = onnx.ModelProto.decode(readFileSync(join(dir, file)));
    edit(model);
    rewrite(dir, file, onnx.ModelProto.encode(model).finish());
  };
  const tamperings: [string, string, (dir: string) => void][] = [
    [
      'ir.json replaced by a graph whose output is no node',
      'BIRD6022',
      (dir) =>
        rewrite(
          dir,
          'ir.json',
          Buffer.from(
            JSON.stringify({
              version: 1,
              model: 'Tiny',
              features: [],
              functions: [],
              nodes: [],
              outputs: [{ name: 'p', node: 7 }],
              train: null,
              signatures: [],
            }),
          ),
        ),
    ],
    ['ir.json replaced by JSON of another shape', 'BIRD6022', (dir) => rewrite(dir, 'ir.json', Buffer.from('{"nodes": 5}'))],
    ['model.onnx replaced by random bytes', 'BIRD6023', (dir) => rewrite(dir, 'model.onnx', randomBytes(4096))],
    ['model.onnx replaced by text', 'BIRD6023', (dir) => rewrite(dir, 'model.onnx', Buffer.from('not an ONNX model\n'.repeat(50)))],
    [
      'model.onnx with one weight changed',
      'BIRD6005',
      (dir) =>
        onnxEdit(dir, 'model.onnx', (m) => {
          const t = m.graph!.initializer!.find((i) => (i.rawData?.length ?? 0) >= 4 || (i.floatData?.length ?? 0) > 0)!;
          if (t.floatData && t.floatData.length > 0) t.floatData[0] = t.floatData[0]! + 3;
          else new DataView(t.rawData!.buffer, t.rawData!.byteOffset).setFloat32(0, 3.5, true);
        }),
    ],
    [
      'model.onnx and score.onnx swapped',
      'BIRD6024',
      (dir) => {
        const [a, b] = [readFileSync(join(dir, 'model.onnx')), readFileSync(join(dir, 'score.onnx'))];
        rewrite(dir, 'model.onnx', b);
        rewrite(dir, 'score.onnx', a);
      },
    ],
    [
      "an input's dtype edited in the manifest (int64 to float32)",
      'BIRD6024',
      (dir) => {
        const m = readManifest(dir) as unknown as { signatures: { inputs: { name: string; dtype: string }[] }[] };
        m.signatures[0]!.inputs.find((i) => i.name === 'k')!.dtype = 'float32';
        writeManifest(dir, m);
      },
    ],
    [
      'a z-score mean edited in the manifest',
      'BIRD6025',
      (dir) => {
        const m = readManifest(dir) as unknown as { features: { transforms: { args: { mean?: number } }[] }[] };
        m.features[0]!.transforms[0]!.args.mean! += 1;
        writeManifest(dir, m);
      },
    ],
    [
      'the hash seed edited in the manifest',
      'BIRD6025',
      (dir) => {
        const m = readManifest(dir) as unknown as { hash: { seed: number } };
        m.hash.seed += 1;
        writeManifest(dir, m);
      },
    ],
    [
      "an input's default edited in the manifest",
      'BIRD6025',
      (dir) => {
        const m = readManifest(dir) as unknown as { signatures: { inputs: { name: string; default: unknown }[] }[] };
        m.signatures[0]!.inputs.find((i) => i.name === 'c')!.default = 'other';
        writeManifest(dir, m);
      },
    ],
    [
      'a golden output edited in vectors.json',
      'BIRD6005',
      (dir) =>
        editJson(dir, 'vectors.json', (v) => {
          (v as { signatures: { serve: { outputs: { p: { data: number[] } } } } }).signatures.serve.outputs.p.data[1] = 0.999;
        }),
    ],
    [
      'a golden raw row edited in vectors.json',
      'BIRD6025',
      (dir) =>
        editJson(dir, 'vectors.json', (v) => {
          (v as { rows: Record<string, string>[] }).rows[0]!['c'] = 'zz';
        }),
    ],
    [
      'model.onnx a symbolic link to a copy outside the folder',
      'BIRD6020',
      (dir) => {
        const outside = join(dir, '..', '..', 'model-copy.onnx');
        cpSync(join(dir, 'model.onnx'), outside);
        unlinkSync(join(dir, 'model.onnx'));
        symlinkSync(outside, join(dir, 'model.onnx'));
      },
    ],
    [
      'manifest.json a symbolic link',
      'BIRD6020',
      (dir) => {
        const outside = join(dir, '..', '..', 'manifest-copy.json');
        cpSync(join(dir, 'manifest.json'), outside);
        unlinkSync(join(dir, 'manifest.json'));
        symlinkSync(outside, join(dir, 'manifest.json'));
      },
    ],
  ];
  const goldens = new Set<string>();
  test.each(tamperings)(
    '%s (%s)',
    async (name, code, tamper) => {
      const dir = copy(false);
      tamper(dir);
      expect(await refusals(dir)).toEqual(refusedWith(code));
      // The first deterministic case of each code is also a golden of what verify prints.
      if (goldens.has(code) || name.includes('random')) return;
      goldens.add(code);
      const r = await bird('verify', dir);
      expectGolden(join(cases, `${code}.result.txt`), stable(r.stderr));
    },
    60_000,
  );

  test('every field of the manifest but the record of how it was made', async () => {
    // Only the digest covers these: nothing else in the artifact restates them.
    const digestOnly = /^(birdVersion|training\.)/;
    const accepted: string[] = [];
    for (const path of leaves(readManifest(exported))) {
      const dir = copy(false);
      const m = readManifest(dir);
      mutateLeaf(m, path);
      writeManifest(dir, m);
      try {
        await openArtifact(dir, artifactChecks);
        accepted.push(path.join('.'));
      } catch (error) {
        if (!(error instanceof ArtifactError)) throw error;
        expect(artifactErrorDiagnostic(error, dir).code).toMatch(/^BIRD60\d\d$/);
      }
      rmSync(join(dir, '..', '..'), { recursive: true });
    }
    expect(accepted.filter((p) => !digestOnly.test(p))).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
  }, 180_000);
});
