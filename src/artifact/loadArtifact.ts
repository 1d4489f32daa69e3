import { existsSync, lstatSync, readFileSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { valid } from 'semver';
import type { IrGraph } from '../ir/ir.js';
import { verifyIr } from '../ir/verify.js';
import { ArtifactError } from './artifactError.js';
import { schemaProblem } from './artifactSchemas.js';
import { sha256Hex } from './assembleArtifact.js';
import { consistencyProblem } from './checkConsistency.js';
import type { HashFunctions } from './hashFunctionSpec.js';
import { irFile, manifestFile, manifestFormat, vectorsFile, weightsFile, type ArtifactManifest } from './manifest.js';
import { manifestDigest, parseDigest, recordedDigest } from './manifestDigest.js';
import { contractProblem, decodeOnnx } from './onnxContract.js';
import { decodeSafetensors, type SafetensorsFile } from './safetensors.js';
import type { GoldenVectors } from './vectors.js';

export interface LoadedArtifact {
  readonly dir: string;
  readonly manifest: ArtifactManifest;
  readonly ir: IrGraph;
  readonly weights: SafetensorsFile;
  readonly vectors: GoldenVectors;
  /** Each signature's serialized ONNX model, by signature name. */
  readonly models: ReadonlyMap<string, Uint8Array>;
  /** `sha256:` and the hex sha256 of `manifest.json`: the one value that covers every file. */
  readonly digest: string;
}

export interface LoadOptions {
  /**
   * The digest a deployment pinned (`sha256:HEX` or HEX). Without it, the digest export
   * recorded beside the folder (`<version>.sha256`) is checked when it is there.
   */
  readonly digest?: string;
  /** The feature hash of this version of bird: the manifest's `hash` must be its description. */
  readonly hash?: HashFunctions;
}

function badManifest(dir: string, problem: string): ArtifactError {
  return new ArtifactError(
    'artifact-bad-manifest',
    `${join(dir, manifestFile)} is not a valid manifest: ${problem}`,
    'the manifest was edited or damaged; restore the artifact from where it was published',
    join(dir, manifestFile),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The little of the manifest's shape that loading and diffing rely on (docs/manifest.schema.json has all of it). */
function shapeProblem(m: unknown): string | undefined {
  if (!isObject(m)) return 'it is not a JSON object';
  if (m['format'] !== manifestFormat)
    return `its format is ${JSON.stringify(m['format'])}, and this version of bird reads ${JSON.stringify(manifestFormat)}`;
  if (typeof m['name'] !== 'string') return '`name` is not a string';
  if (typeof m['version'] !== 'string' || valid(m['version']) !== m['version']) return '`version` is not a semantic version';
  if (!isObject(m['files'])) return '`files` is not an object';
  for (const [name, entry] of Object.entries(m['files'])) {
    // A file name that leaves the folder would let a manifest make the loader read anything.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes('..'))
      return `file name ${JSON.stringify(name)} is not a plain file name`;
    if (!isObject(entry) || typeof entry['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(entry['sha256']))
      return `file \`${name}\` has no sha256`;
  }
  if (!Array.isArray(m['signatures']) || m['signatures'].length === 0) return '`signatures` is not a non-empty list';
  for (const s of m['signatures'] as unknown[]) {
    if (
      !isObject(s) ||
      typeof s['name'] !== 'string' ||
      typeof s['file'] !== 'string' ||
      !Array.isArray(s['inputs']) ||
      !Array.isArray(s['outputs'])
    )
      return 'a signature lacks its name, file, inputs or outputs';
  }
  if (!Array.isArray(m['features']) || !Array.isArray(m['labels'])) return '`features` or `labels` is not a list';
  if (!isObject(m['hash']) || !isObject(m['training'])) return '`hash` or `training` is not an object';
  return undefined;
}

/** The file's status without following a link; undefined when it does not exist. */
function statOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function refuseLink(path: string, name: string, dir: string): void {
  if (statOf(path)?.isSymbolicLink())
    throw new ArtifactError(
      'artifact-link',
      `\`${name}\` of ${dir} is a symbolic link`,
      'an artifact holds its files itself: copy it with `cp -rL` (or export again) rather than linking its files',
      path,
    );
}

function manifestBytes(dir: string): Uint8Array {
  const path = join(dir, manifestFile);
  refuseLink(path, manifestFile, dir);
  const info = statOf(path);
  if (!info?.isFile()) {
    const what = existsSync(dir) ? `${dir} has no ${manifestFile}` : `${dir} does not exist`;
    throw new ArtifactError(
      'artifact-missing-file',
      `${what}, so it is not an artifact`,
      'an artifact folder is `artifacts/<model>/<version>/`, written by `bird export`',
      path,
    );
  }
  return new Uint8Array(readFileSync(path));
}

function parseManifest(dir: string, bytes: Uint8Array): ArtifactManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw badManifest(dir, `it is not JSON (${(error as Error).message})`);
  }
  const problem = shapeProblem(parsed) ?? schemaProblem('manifest', parsed);
  if (problem) throw badManifest(dir, problem);
  return parsed as ArtifactManifest;
}

/** Reads and shape-checks `dir/manifest.json`, without checking the other files (see `loadArtifact`). */
export function readManifest(dir: string): ArtifactManifest {
  return parseManifest(dir, manifestBytes(dir));
}

function checkDigest(dir: string, actual: string, pinned: string | undefined): void {
  const path = join(dir, manifestFile);
  if (pinned !== undefined) {
    const want = parseDigest(pinned);
    if (!want)
      throw new ArtifactError(
        'artifact-digest-mismatch',
        `${JSON.stringify(pinned)} is not a digest`,
        'a digest is `sha256:` and 64 hex digits, as `bird export` and `bird verify` print it',
        path,
      );
    if (want !== actual)
      throw new ArtifactError(
        'artifact-digest-mismatch',
        `the manifest of ${dir} is not the pinned one: its digest is ${actual}, the pinned digest is ${want}`,
        'the artifact changed after export (or this is another version); restore it from where it was published',
        path,
      );
    return;
  }
  const recorded = recordedDigest(dir);
  if (recorded && recorded.digest !== actual)
    throw new ArtifactError(
      'artifact-digest-mismatch',
      `the manifest of ${dir} is not the one exported: its digest is ${actual}, ${recorded.file} says ${recorded.digest}`,
      'the manifest changed after export; restore the artifact from where it was published',
      path,
    );
}

function parseJsonFile<T>(dir: string, name: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } catch (error) {
    throw new ArtifactError(
      'artifact-bad-file',
      `${name} of ${dir} is not valid JSON: ${(error as Error).message}`,
      'the file matches its hash, so it was exported this way; re-export the version',
      join(dir, name),
    );
  }
}

function parseIr(dir: string, bytes: Uint8Array): IrGraph {
  const value = parseJsonFile<unknown>(dir, irFile, bytes);
  const bad = (problem: string): ArtifactError =>
    new ArtifactError(
      'artifact-bad-ir',
      `${irFile} of ${dir} is not a valid Bird IR: ${problem}`,
      "an artifact's ir.json is written by `bird export`; restore the artifact from where it was published",
      join(dir, irFile),
    );
  const problem = schemaProblem('ir', value);
  if (problem) throw bad(`${problem} (docs/ir.schema.json)`);
  let problems: string[];
  try {
    problems = verifyIr(value as IrGraph);
  } catch (error) {
    problems = [(error as Error).message];
  }
  if (problems.length > 0) throw bad(problems[0]!);
  return value as IrGraph;
}

/**
 * Reads an artifact and refuses one that could mislead a reader: a file (or the manifest)
 * that is a symbolic link; a manifest other than the pinned or recorded one (its digest
 * covers every file through their sha256); a manifest or ir.json that does not match its
 * schema, or an IR that breaks its invariants; a file that is missing or does not match
 * its sha256; a model file that is not ONNX, or whose inputs and outputs are not the ones
 * the manifest states; a manifest that disagrees with ir.json (feature spec, signatures,
 * defaults, out-of-graph steps) or, with `options.hash`, with this bird's feature hash.
 * The folder name, when it is a version, must be the manifest's version. It does not run
 * the models: `openArtifact` also replays the golden vectors.
 */
export function loadArtifact(dir: string, options: LoadOptions = {}): LoadedArtifact {
  const raw = manifestBytes(dir);
  const digest = manifestDigest(raw);
  checkDigest(dir, digest, options.digest);
  const manifest = parseManifest(dir, raw);
  const folder = basename(resolve(dir));
  if (valid(folder) === folder && folder !== manifest.version)
    throw badManifest(dir, `it says version ${manifest.version}, but the folder is ${folder}`);
  const label = `artifact ${manifest.name} ${manifest.version}`;
  const needed = [irFile, weightsFile, vectorsFile, ...manifest.signatures.map((s) => s.file)];
  for (const name of needed) if (!Object.hasOwn(manifest.files, name)) throw badManifest(dir, `it lists no sha256 for \`${name}\``);

  const bytes = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    refuseLink(path, name, dir);
    if (!statOf(path)?.isFile())
      throw new ArtifactError(
        'artifact-missing-file',
        `${label} is incomplete: \`${name}\` is missing from ${dir}`,
        'copy the whole artifact folder, or export the version again',
        path,
      );
    const data = new Uint8Array(readFileSync(path));
    const actual = sha256Hex(data);
    if (actual !== entry.sha256 || data.byteLength !== entry.bytes) {
      const detail =
        actual !== entry.sha256
          ? `its sha256 is ${actual}, the manifest says ${entry.sha256}`
          : `it has ${data.byteLength} bytes, the manifest says ${entry.bytes}`;
      throw new ArtifactError(
        'artifact-hash-mismatch',
        `\`${name}\` of ${label} does not match its manifest: ${detail}`,
        'the file changed after export (edited, damaged or partly copied); restore it from the published artifact',
        path,
      );
    }
    bytes.set(name, data);
  }

  let weights: SafetensorsFile;
  try {
    weights = decodeSafetensors(bytes.get(weightsFile)!);
  } catch (error) {
    throw new ArtifactError(
      'artifact-bad-file',
      `${weightsFile} of ${label} is not a valid safetensors file: ${(error as Error).message}`,
      'the file matches its hash, so it was exported this way; re-export the version',
      join(dir, weightsFile),
    );
  }
  const ir = parseIr(dir, bytes.get(irFile)!);
  const vectors = parseJsonFile<GoldenVectors>(dir, vectorsFile, bytes.get(vectorsFile)!);
  for (const s of manifest.signatures) {
    const path = join(dir, s.file);
    const model = decodeOnnx(bytes.get(s.file)!);
    if (typeof model === 'string')
      throw new ArtifactError(
        'artifact-bad-onnx',
        `\`${s.file}\` of ${label} (signature \`${s.name}\`) is not an ONNX model: ${model}`,
        'the file was replaced or damaged; restore the artifact from where it was published',
        path,
      );
    const problem = contractProblem(model, s);
    if (problem)
      throw new ArtifactError(
        'artifact-contract-mismatch',
        `signature \`${s.name}\` of ${label} is not what \`${s.file}\` computes: ${problem}`,
        "a client codes against the manifest, so it must state the model's own inputs and outputs; restore the artifact from where it was published",
        join(dir, manifestFile),
      );
  }
  const inconsistent = consistencyProblem(manifest, ir, vectors, options.hash);
  if (inconsistent)
    throw new ArtifactError(
      'artifact-inconsistent',
      `the manifest of ${label} disagrees with its files: ${inconsistent}`,
      'the manifest was edited after export; restore the artifact from where it was published',
      join(dir, manifestFile),
    );
  return {
    dir,
    manifest,
    ir,
    weights,
    vectors,
    models: new Map(manifest.signatures.map((s) => [s.name, bytes.get(s.file)!])),
    digest,
  };
}
