/**
 * `bird train --shard-format`: refused without the torch engine, and, for Parquet, refused
 * before any data is read when the ranks' Python has no pyarrow (a stand-in Python that
 * has PyTorch and lacks pyarrow, so the test does not depend on what this machine has).
 * Training from Parquet shards is in test/backends/torch/torchEquivalence.test.ts.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import { ExitCode } from '../../src/cli/exitCodes.js';

const work = mkdtempSync(join(tmpdir(), 'bird-shard-format-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The model's data file does not exist: a refusal must come before any data is read.
const model = join(work, 'm.bird');
writeFileSync(
  model,
  `bird 1

import std.nn { dense }
import std.loss { bce }
import std.metric { auc }

features F {
  x : continuous
}

labels F {
  y : binary
}

model M(f: F) {
  out p = sigmoid(dense(f.x, 1))
}

train M {
  data = csv("missing.csv")
  loss = bce(p, labels.y)
  metrics = [auc(p, labels.y)]
}
`,
);

async function train(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(['train', model, ...args, '--no-color'], { stdout: () => undefined, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

describe('bird train --shard-format', () => {
  test('needs the torch engine', async () => {
    const r = await train(['--shard-format', 'parquet']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain('`--shard-format` needs `--engine torch`');
  });

  test('Parquet shards need pyarrow in the Python of the ranks: refused before any data is read', async () => {
    const python = join(work, 'python-without-pyarrow');
    writeFileSync(
      python,
      `#!/bin/sh\ncase "$2" in\n  *pyarrow*) echo "ModuleNotFoundError: No module named 'pyarrow'" >&2; exit 1 ;;\n  *) echo 1.13.0; exit 0 ;;\nesac\n`,
    );
    chmodSync(python, 0o755);
    const saved = process.env['BIRD_PYTHON'];
    process.env['BIRD_PYTHON'] = python;
    try {
      const r = await train(['--engine', 'torch', '--nproc', '2', '--shard-format', 'parquet']);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toContain('`--shard-format parquet` needs pyarrow in the Python that runs the ranks');
      expect(r.stderr).toContain("No module named 'pyarrow'");
      expect(r.stderr).not.toContain('missing.csv');
    } finally {
      if (saved === undefined) delete process.env['BIRD_PYTHON'];
      else process.env['BIRD_PYTHON'] = saved;
    }
  });
});
