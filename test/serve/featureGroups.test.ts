/**
 * `bird serve` on a model with feature groups (test/cases/onnx/groups: a list of columns
 * and a `px_*` pattern, each one `f32[B, n]` input): a request names the raw columns, as a
 * client holds them, and gets what the artifact computes in process from the same rows;
 * a group's column that is missing is imputed as in training, and a wrong type is a 400.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadArtifact } from '../../src/artifact/loadArtifact.js';
import { OnnxSession } from '../../src/backends/onnx/runOnnx.js';
import { runCli } from '../../src/cli/runCli.js';
import { readRows } from '../../src/data/readRows.js';
import { signatureFeeds, type ClientRow } from '../../src/data/signatureFeeds.js';
import { exportArtifact } from '../../src/pipeline/exportArtifact.js';
import { startServer, type RunningServer } from '../../src/serve/startServer.js';
import { parsePolicy } from '../../src/serve/versionPolicy.js';
import { repoRoot } from '../helpers/semanticCases.js';
import { expectClose } from './expectClose.js';

describe('bird serve with feature groups', () => {
  const project = mkdtempSync(join(tmpdir(), 'bird-serve-groups-'));
  const cwd = process.cwd();
  let server: RunningServer;
  let rows: ClientRow[];
  let expected: number[];

  beforeAll(async () => {
    for (const f of ['input.bird', 'rows.csv']) cpSync(join(repoRoot, 'test', 'cases', 'onnx', 'groups', f), join(project, f));
    process.chdir(project);
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    expect(await runCli(['train', 'input.bird', '--out', 'run', '--backend', 'cpu'], quiet)).toBe(0);
    const exported = await exportArtifact({ file: 'input.bird', checkpoint: 'run', out: 'artifacts', backend: 'cpu' });
    expect(exported.diagnostics).toEqual([]);
    rows = [];
    for await (const row of readRows('rows.csv')) {
      // The label is not a feature: a request does not send it.
      rows.push(Object.fromEntries([...row.values].filter(([k]) => k !== 'sick').map(([k, v]) => [k, String(v ?? '')])));
      if (rows.length === 12) break;
    }
    expect(rows.some((r) => r['temp'] === '' || r['px_c'] === '')).toBe(true);
    const artifact = loadArtifact(exported.value!.artifact);
    const s = artifact.manifest.signatures[0]!;
    const session = await OnnxSession.load(artifact.models.get(s.name)!);
    expected = Array.from((await session.run(signatureFeeds(s.inputs, rows)))['p']!.data as Float32Array);
    await session.release();
    const policy = parsePolicy('latest:1');
    if (!('policy' in policy)) throw new Error(policy.problem);
    server = await startServer({
      root: join(project, 'artifacts'),
      host: '127.0.0.1',
      port: 0,
      bodyLimit: 64 * 1024,
      timeoutMs: 10_000,
      serverVersion: '0.1.0',
      defaultPolicy: policy.policy,
      labels: new Map(),
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    process.chdir(cwd);
    rmSync(project, { recursive: true, force: true });
  });

  const post = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(`${server.url}/v1/models/Risk:predict`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  test("the manifest's group inputs name their columns", () => {
    const manifest = loadArtifact(join(project, 'artifacts', 'Risk', '1.0.0')).manifest;
    expect(manifest.signatures[0]!.inputs.filter((i) => i.columns).map((i) => [i.name, i.columns])).toEqual([
      ['vitals', ['hr', 'bp', 'temp']],
      ['pixels', ['px_a', 'px_b', 'px_c']],
    ]);
  });

  test('instances name the raw columns (a missing one left out): the predictions are the artifact’s', async () => {
    const instances = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, Number(v)]),
      ),
    );
    const r = await post({ instances });
    expect(r.status).toBe(200);
    expectClose(
      (r.json['predictions'] as number[][]).map((p) => p[0]!),
      expected,
    );
  });

  test('a group column of the wrong type is a 400 naming it', async () => {
    const r = await post({ instances: [{ hr: 'fast', bp: 120, temp: 37, px_a: 1, px_b: 2, px_c: 3, age: 40 }] });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain('hr');
  });
});
