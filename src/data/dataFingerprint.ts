import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { DataFingerprint } from '../artifact/manifest.js';
import { dataFiles } from './dataFiles.js';
import type { DataSource } from './dataset.js';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The files a run trains on, hashed, with paths relative to the working folder: what the run's config and the artifact's manifest record. */
export async function dataFingerprint(source: DataSource | undefined, trainRows: number): Promise<DataFingerprint> {
  const named = source === undefined ? [] : source.kind === 'files' ? [source.train, source.test] : [source.path];
  // A glob is recorded as the files it matched, each hashed.
  const paths = (await Promise.all(named.map((p) => (existsSync(p) ? [p] : dataFiles(p).catch(() => []))))).flat();
  const files = [];
  for (const path of paths.filter((p) => existsSync(p)))
    files.push({ path: relative(process.cwd(), path).split('\\').join('/'), bytes: statSync(path).size, sha256: await sha256File(path) });
  return { files, rows: { train: trainRows } };
}
