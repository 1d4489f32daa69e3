import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { compare, rcompare, valid } from 'semver';
import { ArtifactError } from '../artifact/artifactError.js';
import { manifestFile } from '../artifact/manifest.js';
import { Servable, type ServableOptions } from './servable.js';
import { ServeError } from './serveError.js';
import { defaultPolicy, describePolicy, type VersionPolicy } from './versionPolicy.js';

export interface RepositoryOptions extends ServableOptions {
  /** Each model's version policy (`latest:1` when undefined). */
  readonly policies?: ReadonlyMap<string, VersionPolicy>;
  /** The policy of models `policies` does not name. */
  readonly defaultPolicy?: VersionPolicy;
  /** Labels by model: label to exact version (`stable` → `1.0.0`). */
  readonly labels?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly onLoaded?: (servable: Servable) => void;
  readonly onUnloaded?: (model: string, version: string) => void;
  /** A version that could not be loaded (an `ArtifactError`), reported once per change of its manifest. */
  readonly onRefused?: (dir: string, error: unknown) => void;
}

/** What TF Serving's model status reports of one version. */
export interface VersionStatus {
  readonly version: string;
  readonly state: 'AVAILABLE' | 'END';
  /** Why the version is not served (refused on load), empty when it is. */
  readonly error: string;
}

const dirs = (path: string): string[] => {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
};

/** What identifies a version folder's content: its manifest's size and time, so a refused folder is retried once it changes. */
function stamp(dir: string): string {
  try {
    const s = statSync(join(dir, manifestFile));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Every model under `artifacts/<model>/<version>/`, loaded by policy. `scan` brings the
 * loaded set in line with the folders: a version folder that appears is loaded (hashes and
 * golden vectors checked) and then swapped in; one that disappears, or falls out of the
 * policy, is taken out of service at once and unloaded when its requests have finished.
 * A version that fails to load is reported and skipped, and the others still serve:
 * `latest:N` counts the newest N versions that load.
 */
export class ModelRepository {
  private readonly models = new Map<string, Map<string, Servable>>();
  private readonly refused = new Map<string, { readonly stamp: string; readonly message: string }>();
  private readonly unloading = new Set<Promise<void>>();
  private scanning: Promise<void> | undefined;
  private again = false;
  private watchers = new Map<string, FSWatcher>();
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly root: string,
    private readonly options: RepositoryOptions = {},
  ) {}

  policy(model: string): VersionPolicy {
    return this.options.policies?.get(model) ?? this.options.defaultPolicy ?? defaultPolicy;
  }

  /** Brings the loaded versions in line with the tree; concurrent calls share one scan, and a call during a scan runs another after it. */
  scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.again = false;
          await this.scanOnce();
        } while (this.again && !this.closed);
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const onDisk = new Set(dirs(this.root));
    for (const model of new Set([...onDisk, ...this.models.keys()])) {
      const modelDir = join(this.root, model);
      const versions = (onDisk.has(model) ? dirs(modelDir) : [])
        .filter((v) => valid(v) === v && existsSync(join(modelDir, v, manifestFile)))
        .sort(rcompare);
      const loaded = this.models.get(model) ?? new Map<string, Servable>();
      const policy = this.policy(model);
      const wanted = policy.kind === 'specific' ? versions.filter((v) => policy.versions.includes(v)) : versions;
      const keep = new Set<string>();
      for (const version of wanted) {
        if (this.closed) return;
        if (policy.kind === 'latest' && keep.size >= policy.n) break;
        if (loaded.has(version)) {
          keep.add(version);
          continue;
        }
        const dir = join(modelDir, version);
        const now = stamp(dir);
        if (this.refused.get(dir)?.stamp === now) continue;
        try {
          const servable = await Servable.load(dir, this.options);
          if (servable.model !== model) {
            await servable.unload();
            throw new ArtifactError(
              'artifact-bad-manifest',
              `${dir} holds model ${servable.model}, but its folder is named ${model}`,
              'an artifact folder is `artifacts/<model>/<version>/`, as `bird export` writes it',
              join(dir, manifestFile),
            );
          }
          this.refused.delete(dir);
          loaded.set(version, servable);
          this.models.set(model, loaded);
          keep.add(version);
          this.options.onLoaded?.(servable);
        } catch (error) {
          this.refused.set(dir, { stamp: now, message: (error as Error).message });
          this.options.onRefused?.(dir, error);
        }
      }
      for (const [version, servable] of loaded) {
        if (keep.has(version)) continue;
        loaded.delete(version);
        const done = servable.unload().then(() => this.options.onUnloaded?.(model, version));
        this.unloading.add(done);
        void done.finally(() => this.unloading.delete(done));
      }
      if (loaded.size === 0) this.models.delete(model);
      if (onDisk.has(model)) this.watchFolder(modelDir);
    }
  }

  /** Rescans on every change the file system reports under the tree, and every `pollMs` besides (some file systems report nothing). */
  watch(pollMs: number): void {
    this.watchFolder(this.root);
    this.poller = setInterval(() => void this.scan(), pollMs);
    this.poller.unref();
  }

  private watchFolder(dir: string): void {
    if (this.closed || !this.poller || this.watchers.has(dir)) return;
    try {
      const w = watch(dir, () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.scan(), 20);
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, w);
    } catch {
      // The folder went away between listing and watching; the poll covers it.
    }
  }

  /** Whether `model` has a version loaded. */
  hasModel(model: string): boolean {
    return this.models.has(model);
  }

  /** The names of the models with a version loaded. */
  modelNames(): string[] {
    return [...this.models.keys()].sort();
  }

  /** The loaded versions of a model, newest first. */
  versions(model: string): Servable[] {
    return [...(this.models.get(model)?.values() ?? [])].sort((a, b) => rcompare(a.version, b.version));
  }

  /** TF Serving's version status: the loaded versions and those refused, newest first. */
  status(model: string): VersionStatus[] {
    const modelDir = join(this.root, model);
    const refused = [...this.refused]
      .filter(([dir]) => dir.startsWith(modelDir + '/'))
      .map(([dir, r]) => ({ version: dir.slice(modelDir.length + 1), state: 'END' as const, error: r.message }));
    const loaded = this.versions(model).map((s) => ({ version: s.version, state: 'AVAILABLE' as const, error: '' }));
    return [...loaded, ...refused].sort((a, b) => rcompare(a.version, b.version));
  }

  labels(model: string): ReadonlyMap<string, string> {
    return this.options.labels?.get(model) ?? new Map();
  }

  /**
   * The version a request names: none for the newest loaded; an exact version (`1.2.0`);
   * a major version alone (`1`, as TF Serving's integer versions read) for the newest
   * loaded version of that major; or a label.
   */
  resolve(model: string, by: { readonly version?: string; readonly label?: string } = {}): Servable {
    const versions = this.versions(model);
    if (versions.length === 0) {
      throw new ServeError(
        'not-found',
        this.modelNames().length === 0
          ? `model \`${model}\` is not served: no model is loaded`
          : `model \`${model}\` is not served; the models are ${this.modelNames()
              .map((m) => `\`${m}\``)
              .join(', ')}`,
        'model',
      );
    }
    const loadedList = versions.map((s) => s.version).join(', ');
    if (by.label !== undefined) {
      const target = this.labels(model).get(by.label);
      if (target === undefined)
        throw new ServeError(
          'not-found',
          `model \`${model}\` has no label \`${by.label}\`${this.labels(model).size > 0 ? `; its labels are ${[...this.labels(model).keys()].map((l) => `\`${l}\``).join(', ')}` : ''}`,
          'label',
        );
      const s = versions.find((v) => v.version === target);
      if (!s)
        throw new ServeError(
          'not-found',
          `label \`${by.label}\` of model \`${model}\` names version ${target}, which is not loaded (loaded: ${loadedList})`,
          'label',
        );
      return s;
    }
    if (by.version === undefined || by.version === '') return versions[0]!;
    const v = by.version;
    if (/^(0|[1-9]\d*)$/.test(v)) {
      const s = versions.find((x) => x.version.split('.')[0] === v && !x.version.includes('-'));
      if (!s)
        throw new ServeError('not-found', `model \`${model}\` has no loaded version of major ${v} (loaded: ${loadedList})`, 'version');
      return s;
    }
    if (valid(v) !== v)
      throw new ServeError('invalid', `version \`${v}\` is not a major version (\`1\`) or a semantic version (\`1.2.0\`)`, 'version');
    const s = versions.find((x) => x.version === v);
    if (!s) throw new ServeError('not-found', `model \`${model}\` version ${v} is not loaded (loaded: ${loadedList})`, 'version');
    return s;
  }

  /** Stops watching and unloads every version once its requests have finished. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    clearTimeout(this.debounce);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.scanning?.catch(() => {});
    const all = [...this.models.values()].flatMap((m) => [...m.values()]);
    this.models.clear();
    await Promise.all([...all.map((s) => s.unload()), ...this.unloading]);
  }

  /** One line per model for the startup message: `flights 1.0.0, 1.1.0 (latest:2)`. */
  describe(): string[] {
    return this.modelNames().map(
      (m) =>
        `${m} ${this.versions(m)
          .map((s) => s.version)
          .sort(compare)
          .join(', ')} (${describePolicy(this.policy(m))})`,
    );
  }
}
