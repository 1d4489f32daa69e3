import { compare, valid } from 'semver';

/**
 * Which versions of a model are served, as TF Serving's model config names them: the
 * newest N, every version, or a list of exact versions.
 */
export type VersionPolicy =
  | { readonly kind: 'latest'; readonly n: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'specific'; readonly versions: readonly string[] };

/** Serving only the newest version is TF Serving's default, and Bird's. */
export const defaultPolicy: VersionPolicy = { kind: 'latest', n: 1 };

/**
 * `latest`, `latest:N`, `all`, or versions separated by commas (`1.0.0,1.1.0`); undefined
 * with the reason when the text is none of these.
 */
export function parsePolicy(text: string): { readonly policy: VersionPolicy } | { readonly problem: string } {
  const t = text.trim();
  if (t === 'all') return { policy: { kind: 'all' } };
  const latest = /^latest(?::(\d+))?$/.exec(t);
  if (latest) {
    const n = latest[1] === undefined ? 1 : Number(latest[1]);
    return n >= 1 ? { policy: { kind: 'latest', n } } : { problem: '`latest:N` needs N of 1 or more' };
  }
  const versions = t.split(',').map((v) => v.trim());
  const bad = versions.find((v) => valid(v) !== v);
  if (bad !== undefined) return { problem: `\`${bad}\` is not \`latest\`, \`latest:N\`, \`all\` or a semantic version` };
  return { policy: { kind: 'specific', versions: [...new Set(versions)].sort(compare) } };
}

/** How a policy reads in messages and in `/metrics`. */
export function describePolicy(policy: VersionPolicy): string {
  return policy.kind === 'latest' ? `latest:${policy.n}` : policy.kind === 'all' ? 'all' : policy.versions.join(',');
}
