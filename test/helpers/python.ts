/**
 * The Python interpreter of the tests' Python clients: `.venv` at the repository root, made by
 * `.ci/python-venv.sh` (the `pretest` script) with onnxruntime, numpy and pyarrow installed
 * from the wheels on disk. A test that needs it fails when it is missing: CI makes it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function venvPython(): string {
  const python = join(repoRoot, '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: run \`sh .ci/python-venv.sh\` (npm test does it first)`);
  }
  return python;
}

/**
 * The Python that runs the PyTorch engine's ranks in the tests: `.venv-torch` (made by
 * `.ci/python-torch-venv.sh`, the pretest script: the system Python with python3-torch, and
 * pyarrow for Parquet shards) where it exists, else the engine's own choice (`BIRD_PYTHON`,
 * `python3`, `/usr/bin/python3`). A test that needs PyTorch fails without one: CI installs it.
 */
export function torchTestPython(fallback: () => string): string {
  const python = join(repoRoot, '.venv-torch', 'bin', 'python');
  return existsSync(python) ? python : fallback();
}
