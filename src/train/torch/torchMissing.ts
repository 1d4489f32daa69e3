import { spawnSync } from 'node:child_process';

/** Why PyTorch cannot run under `python`, or undefined when it can. */
export function torchMissing(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `\`${python}\` cannot be started (${probe.error.message})`;
  if (probe.status !== 0) return `\`${python}\` has no PyTorch (${probe.stderr.trim().split('\n').pop()})`;
  return undefined;
}

/** Why `python` cannot read Parquet shards (it has no pyarrow), or undefined when it can. */
export function pyarrowMissing(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import pyarrow.parquet'], { encoding: 'utf8' });
  if (probe.error) return `\`${python}\` cannot be started (${probe.error.message})`;
  if (probe.status !== 0) return `\`${python}\` has no pyarrow (${probe.stderr.trim().split('\n').pop()})`;
  return undefined;
}
