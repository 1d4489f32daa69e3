import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { valid } from 'semver';
import type { IrGraph } from '../ir/ir.js';
import { ArtifactError } from './artifactError.js';
import { sha256Hex } from './assembleArtifact.js';
import { irFile, manifestFile, manifestFormat, vectorsFile, weightsFile, type ArtifactManifest } from './manifest.js';
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
}

function badManifest(dir: string, problem: string): ArtifactError {
  return new ArtifactError('artifact-bad-manifest', `${join(dir, manifestFile)} is not a valid manifest: ${problem}`, 'the manifest was edited or damaged; restore the artifact from where it was published', join(dir, manifestFile));
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The little of the manifest's shape that loading and diffing rely on (docs/manifest.schema.json has all of it). */
function shapeProblem(m: unknown): string | undefined {
  if (!isObject(m)) return 'it is not a JSON object';
  if (m['format'] !== manifestFormat) return `its format is ${JSON.stringify(m['format'])}, and this version of bird reads ${JSON.stringify(manifestFormat)}`;
  if (typeof m['name'] !== 'string') return '`name` is not a string';
  if (typeof m['version'] !== 'string' || valid(m['version']) !== m['version']) return '`version` is not a semantic version';
  if (!isObject(m['files'])) return '`files` is not an object';
  for (const [name, entry] of Object.entries(m['files'])) {
    // A file name that leaves the folder would let a manifest make the loader read anything.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) return `file name ${JSON.stringify(name)} is not a plain file name`;
    if (!isObject(entry) || typeof entry['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(entry['sha256'])) return `file \`${name}\` has no sha256`;
  }
  if (!Array.isArray(m['signatures']) || m['signatures'].length === 0) return '`signatures` is not a non-empty list';
  for (const s of m['signatures'] as unknown[]) {
    if (!isObject(s) || typeof s['name'] !== 'string' || typeof s['file'] !== 'string' || !Array.isArray(s['inputs']) || !Array.isArray(s['outputs'])) return 'a signature lacks its name, file, inputs or outputs';
  }
  if (!Array.isArray(m['features']) || !Array.isArray(m['labels'])) return '`features` or `labels` is not a list';
  if (!isObject(m['hash']) || !isObject(m['training'])) return '`hash` or `training` is not an object';
  return undefined;
}

/** Reads and shape-checks `dir/manifest.json`, without checking the other files (see `loadArtifact`). */
export function readManifest(dir: string): ArtifactManifest {
  const path = join(dir, manifestFile);
  if (!existsSync(path)) {
    const what = existsSync(dir) ? `${dir} has no ${manifestFile}` : `${dir} does not exist`;
    throw new ArtifactError('artifact-missing-file', `${what}, so it is not an artifact`, 'an artifact folder is `artifacts/<model>/<version>/`, written by `bird export`', path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw badManifest(dir, `it is not JSON (${(error as Error).message})`);
  }
  const problem = shapeProblem(parsed);
  if (problem) throw badManifest(dir, problem);
  return parsed as ArtifactManifest;
}

function parseJsonFile<T>(dir: string, name: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } catch (error) {
    throw new ArtifactError('artifact-bad-file', `${name} of ${dir} is not valid JSON: ${(error as Error).message}`, 'the file matches its hash, so it was exported this way; re-export the version', join(dir, name));
  }
}

/**
 * Reads an artifact and checks every file the manifest lists against its sha256, refusing
 * one that is incomplete or was changed after export; then parses the IR, weights and
 * vectors. The folder name, when it is a version, must be the manifest's version.
 */
export function loadArtifact(dir: string): LoadedArtifact {
  const manifest = readManifest(dir);
  const folder = basename(dir);
  if (valid(folder) === folder && folder !== manifest.version) throw badManifest(dir, `it says version ${manifest.version}, but the folder is ${folder}`);
  const label = `artifact ${manifest.name} ${manifest.version}`;
  const needed = [irFile, weightsFile, vectorsFile, ...manifest.signatures.map((s) => s.file)];
  for (const name of needed) if (!Object.hasOwn(manifest.files, name)) throw badManifest(dir, `it lists no sha256 for \`${name}\``);

  const bytes = new Map<string, Uint8Array>();
  for (const [name, entry] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) throw new ArtifactError('artifact-missing-file', `${label} is incomplete: \`${name}\` is missing from ${dir}`, 'copy the whole artifact folder, or export the version again', path);
    const data = new Uint8Array(readFileSync(path));
    const actual = sha256Hex(data);
    if (actual !== entry.sha256) {
      throw new ArtifactError('artifact-hash-mismatch', `\`${name}\` of ${label} does not match its manifest: its sha256 is ${actual}, the manifest says ${entry.sha256}`, 'the file changed after export (edited, damaged or partly copied); restore it from the published artifact', path);
    }
    bytes.set(name, data);
  }

  let weights: SafetensorsFile;
  try {
    weights = decodeSafetensors(bytes.get(weightsFile)!);
  } catch (error) {
    throw new ArtifactError('artifact-bad-file', `${weightsFile} of ${label} is not a valid safetensors file: ${(error as Error).message}`, 'the file matches its hash, so it was exported this way; re-export the version', join(dir, weightsFile));
  }
  return {
    dir,
    manifest,
    ir: parseJsonFile<IrGraph>(dir, irFile, bytes.get(irFile)!),
    weights,
    vectors: parseJsonFile<GoldenVectors>(dir, vectorsFile, bytes.get(vectorsFile)!),
    models: new Map(manifest.signatures.map((s) => [s.name, bytes.get(s.file)!])),
  };
}
