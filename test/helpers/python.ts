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
