/**
 * The fitting pre-pass as a map and a reduce (`bird fit`, docs/scale.md "Fitted statistics
 * across shards"): the flights sample cut into three files, each counted apart and the parts
 * merged, against one pass over all of them; `bird train --fitted` against the pre-pass on
 * the same training rows; a model whose pipelines need two passes; the refusals.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../../src/cli/runCli.js';
import type { FitStatistics } from '../../src/data/fitStatistics.js';
import type { IrGraph } from '../../src/ir/ir.js';
import type { AttrValue } from '../../src/tensor/attrValue.js';
import { repoRoot } from '../helpers/semanticCases.js';

const work = mkdtempSync(join(tmpdir(), 'bird-fit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const at = (...p: string[]): string => join(work, ...p);

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...argv, '--no-color'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The flights model training on shards 1 and 2 (whole files, so `bird fit` sees exactly its training rows) and testing on shard 3. */
const flights = readFileSync(join(repoRoot, 'models', 'flights.bird'), 'utf8').replace(
  /data = csv\([^\n]*\)/,
  'data = files(train: "s[12].csv", test: "s3.csv")',
);

/** Every other fitted transform, shared vocabularies, and pipelines that need a second pass. */
const stats = `bird 1

import std.nn { dense, embedding_bag }
import std.loss { bce }

features Flight {
  distance    : continuous |> log1p |> zscore |> impute("mean")
  delay       : continuous |> impute("median")
  hour        : continuous |> impute("mode")
  month       : continuous = 1 |> bucketize(bins: 5)
  origin      : string |> vocab(max: 40, shared: "airports")
  destination : string |> vocab(max: 40, shared: "airports")
  route       : string |> vocab(max: 300, min_count: 2)
}

labels Flight {
  label_delayed15 : binary
}

model Stats(f: Flight) {
  x = concat([f.distance, f.delay, f.hour, one_hot(f.month), embedding_bag(f.origin, dim: 2), embedding_bag(f.destination, dim: 2), embedding_bag(f.route, dim: 2)])
  out p = sigmoid(dense(x, 1))
}

train Stats {
  data = files(train: "s[12].csv", test: "s3.csv")
  loss = bce(p, labels.label_delayed15)
}
`;

beforeAll(() => {
  const lines = gunzipSync(readFileSync(join(repoRoot, 'models', 'data', 'flights_sample.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n');
  for (let s = 0; s < 3; s++)
    writeFileSync(at(`s${s + 1}.csv`), [lines[0], ...lines.slice(1 + 2000 * s, 2001 + 2000 * s)].join('\n') + '\n');
  writeFileSync(at('flights.bird'), flights);
  writeFileSync(at('stats.bird'), stats);
});

/** Two fitted arguments alike: lists and strings exactly, numbers within `rel` relative. */
function expectClose(actual: AttrValue | undefined, expected: AttrValue | undefined, rel: number): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected) && expected.every((x) => typeof x === 'number')) {
    expect((actual as number[]).length).toBe(expected.length);
    expected.forEach((x, i) => expectClose((actual as number[])[i], x, rel));
  } else expect(actual).toEqual(expected);
}

/** The fitted transforms of a run's IR, by feature. */
function fittedArgs(graph: IrGraph): Map<string, Record<string, AttrValue>[]> {
  return new Map(graph.features.map((f) => [f.name, f.transforms.map((t) => ({ ...t.args }))]));
}

function expectSameFit(actual: IrGraph, expected: IrGraph, rel: number): void {
  const a = fittedArgs(actual);
  for (const [name, transforms] of fittedArgs(expected)) {
    transforms.forEach((args, k) => {
      for (const [key, value] of Object.entries(args)) expectClose(a.get(name)![k]![key], value, rel);
    });
  }
}

describe('bird fit per shard, merged', () => {
  test('three parts merged hold exactly the counts of one pass over the three files; z-score moments within 1e-12', async () => {
    for (const s of [1, 2, 3]) {
      const r = await bird('fit', at('flights.bird'), '--data', at(`s${s}.csv`), '--out', at('parts', `s${s}.json`));
      expect([r.code, r.stderr]).toEqual([
        0,
        `counted 2000 rows of 1 file: pass 1 statistics of DelayMlp written to ${at('parts', `s${s}.json`)}\n`,
      ]);
    }
    const merged = await bird('fit', at('flights.bird'), '--merge', at('parts', '*.json'), '--out', at('merged.json'));
    expect([merged.code, merged.stderr]).toEqual([
      0,
      `merged 3 parts (6000 rows): pass 1 statistics of DelayMlp written to ${at('merged.json')}\n`,
    ]);
    const whole = await bird('fit', at('flights.bird'), '--data', at('s*.csv'), '--out', at('one.json'), '--json');
    expect([whole.code, JSON.parse(whole.stdout)]).toEqual([
      0,
      expect.objectContaining({
        out: at('one.json'),
        model: 'DelayMlp',
        pass: 1,
        rows: 6000,
        complete: true,
        inputs: [1, 2, 3].map((s) => at(`s${s}.csv`)),
        diagnostics: [],
      }),
    ]);
    const [m, one] = [read<FitStatistics>(at('merged.json')), read<FitStatistics>(at('one.json'))];
    expect([m.rows, m.pass, m.complete, m.model]).toEqual([6000, 1, true, 'DelayMlp']);
    expect(m.entries.map((e) => [e.op, e.steps.map((s) => s.feature)])).toEqual(
      one.entries.map((e) => [e.op, e.steps.map((s) => s.feature)]),
    );
    for (const [i, e] of m.entries.entries()) {
      const o = one.entries[i]!;
      if (e.state.kind === 'moments' && o.state.kind === 'moments') {
        expect(e.state.n).toBe(o.state.n);
        expectClose(e.state.mean, o.state.mean, 1e-12);
        expectClose(e.state.m2, o.state.m2, 1e-12);
      } else expect(e.state).toEqual(o.state);
    }
    // Every route of the sample counted, and the counts add up to the rows.
    const route = m.entries.find((e) => e.steps[0]!.feature === 'route')!.state;
    expect(route.kind === 'counts' && route.counts.reduce((n, [, c]) => n + c, 0)).toBe(6000);
  }, 60_000);

  test('`bird train --fitted` writes the same fitted ir.json as the pre-pass on the same training rows', async () => {
    for (const s of [1, 2])
      expect((await bird('fit', at('flights.bird'), '--data', at(`s${s}.csv`), '--out', at('train-parts', `s${s}.json`))).code).toBe(0);
    expect((await bird('fit', at('flights.bird'), '--merge', at('train-parts', '*.json'), '--out', at('fitted.json'))).code).toBe(0);
    const given = await bird('train', at('flights.bird'), '--fitted', at('fitted.json'), '--out', at('run-fitted'), '--backend', 'wasm');
    expect([given.code, given.stderr]).toEqual([
      0,
      expect.stringContaining(`fitted transforms from ${at('fitted.json')} (statistics of 4000 training rows)`),
    ]);
    const own = await bird('train', at('flights.bird'), '--out', at('run-own'), '--backend', 'wasm');
    expect([own.code, own.stderr]).toEqual([0, expect.stringContaining('fitted transforms on 4000 training rows')]);
    const [a, b] = [read<IrGraph>(at('run-fitted', 'ir.json')), read<IrGraph>(at('run-own', 'ir.json'))];
    expectSameFit(a, b, 1e-12);
    const vocabulary = (g: IrGraph): AttrValue | undefined => g.features.find((f) => f.name === 'route')!.transforms[0]!.args['vocabulary'];
    expect((vocabulary(a) as string[]).length).toBeGreaterThan(500);
    expect(vocabulary(a)).toEqual(vocabulary(b));
    expect(read<{ fingerprint: { rows: { train: number } } }>(at('run-fitted', 'config.json')).fingerprint.rows.train).toBe(4000);
  }, 120_000);

  test('a model with a transform fitted after another: pass 1 merged, pass 2 counted with it, the same fit as the pre-pass', async () => {
    const model = at('stats.bird');
    for (const s of [1, 2]) {
      const r = await bird('fit', model, '--data', at(`s${s}.csv`), '--out', at('p1', `s${s}.json`));
      expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('then count pass 2 on each shard with `--fitted` the merged file')]);
    }
    expect((await bird('fit', model, '--merge', at('p1', '*.json'), '--out', at('pass1.json'))).code).toBe(0);
    expect(read<FitStatistics>(at('pass1.json')).complete).toBe(false);
    const early = await bird('train', model, '--fitted', at('pass1.json'));
    expect([early.code, early.stderr]).toEqual([
      2,
      expect.stringContaining('holds statistics up to pass 1, and `Stats` needs another pass'),
    ]);
    for (const s of [1, 2])
      expect(
        (await bird('fit', model, '--data', at(`s${s}.csv`), '--fitted', at('pass1.json'), '--out', at('p2', `s${s}.json`))).code,
      ).toBe(0);
    expect((await bird('fit', model, '--merge', at('p2', '*.json'), '--out', at('pass2.json'))).code).toBe(0);
    const pass2 = read<FitStatistics>(at('pass2.json'));
    expect([pass2.pass, pass2.complete, pass2.rows]).toEqual([2, true, 4000]);
    // The shared vocabulary is one entry naming both features.
    expect(pass2.entries.filter((e) => e.shared === 'airports').map((e) => e.steps.map((s) => s.feature))).toEqual([
      ['origin', 'destination'],
    ]);
    const again = await bird('fit', model, '--data', at('s1.csv'), '--fitted', at('pass2.json'), '--out', at('p3.json'));
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('already holds every statistic `Stats` fits')]);
    expect((await bird('train', model, '--fitted', at('pass2.json'), '--out', at('stats-fitted'), '--backend', 'wasm')).code).toBe(0);
    expect((await bird('train', model, '--out', at('stats-own'), '--backend', 'wasm')).code).toBe(0);
    // Under 200,000 values a shard's sample holds every value, so medians and quantiles merge exactly too.
    expectSameFit(read<IrGraph>(at('stats-fitted', 'ir.json')), read<IrGraph>(at('stats-own', 'ir.json')), 1e-12);
  }, 120_000);

  test('`bird encode MODEL.bird --fitted` writes the shards a `--fitted` run would encode, with no run; its refusals', async () => {
    // Needs fitted.json and run-fitted from the `--fitted` test above.
    const fromModel = await bird(
      'encode',
      at('flights.bird'),
      '--fitted',
      at('fitted.json'),
      '--data',
      at('s[12].csv'),
      '--out',
      at('enc-model'),
    );
    expect([fromModel.code, fromModel.stderr]).toEqual([0, expect.stringContaining('2000 rows to')]);
    const fromRun = await bird('encode', at('run-fitted'), '--data', at('s[12].csv'), '--out', at('enc-run'));
    expect(fromRun.code).toBe(0);
    expect(read<unknown>(at('enc-model', 'encoded.json'))).toEqual(read<unknown>(at('enc-run', 'encoded.json')));
    for (const shard of ['s1.arrows', 's2.arrows'])
      expect(readFileSync(at('enc-model', shard)).equals(readFileSync(at('enc-run', shard)))).toBe(true);
    const noFitted = await bird('encode', at('flights.bird'), '--data', at('s1.csv'), '--out', at('enc-x'));
    expect([noFitted.code, noFitted.stderr]).toEqual([2, expect.stringContaining('needs `--fitted FILE`')]);
    const noData = await bird('encode', at('flights.bird'), '--fitted', at('fitted.json'), '--out', at('enc-x'));
    expect([noData.code, noData.stderr]).toEqual([2, expect.stringContaining('needs `--data`')]);
    const onRun = await bird('encode', at('run-fitted'), '--fitted', at('fitted.json'), '--out', at('enc-x'));
    expect([onRun.code, onRun.stderr]).toEqual([2, expect.stringContaining('go with a `.bird` file')]);
    const other = await bird('encode', at('stats.bird'), '--fitted', at('fitted.json'), '--data', at('s1.csv'), '--out', at('enc-x'));
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining('holds statistics of the model `DelayMlp`, not `Stats`')]);
  }, 60_000);

  test('a split by row number is refused by bird fit and train --fitted; a keyed split counts only training rows', async () => {
    writeFileSync(at('stride.bird'), flights.replace(/data = files\([^\n]*\)/, 'data = csv("s1.csv", split: holdout(every: 5))'));
    const fit = await bird('fit', at('stride.bird'), '--data', at('s1.csv'), '--out', at('stride.json'));
    expect([fit.code, fit.stderr]).toEqual([2, expect.stringContaining("split by each row's number in the whole file")]);
    const train = await bird('train', at('stride.bird'), '--fitted', at('fitted.json'), '--out', at('run-stride'));
    expect([train.code, train.stderr]).toEqual([2, expect.stringContaining("split by each row's number in the whole file")]);
    // By a key: each row decides its part alone, so a shard counts exactly its training rows.
    writeFileSync(
      at('keyed.bird'),
      flights.replace(/data = files\([^\n]*\)/, 'data = csv("s1.csv", split: holdout(fraction: 0.25, key: "route"))'),
    );
    const keyed = await bird('fit', at('keyed.bird'), '--data', at('s1.csv'), '--out', at('keyed.json'), '--json');
    expect(keyed.code).toBe(0);
    const own = await bird('train', at('keyed.bird'), '--out', at('run-keyed'), '--backend', 'wasm', '--epochs', '1');
    const rows = /fitted transforms on (\d+) training rows/.exec(own.stderr)?.[1];
    expect(Number(rows)).toBeLessThan(2000);
    expect((JSON.parse(keyed.stdout) as { rows: number }).rows).toBe(Number(rows));
  }, 120_000);

  test("a group's columns matched in another order are refused; a folder given for a file is a usage error", async () => {
    const model = `bird 1

import std.nn { dense }
import std.loss { bce }

features F {
  px : continuous(n: 2, columns: "px_*") |> zscore
}

labels F {
  y : binary
}

model G(f: F) {
  out p = sigmoid(dense(f.px, 1))
}

train G {
  data = files(train: "g1.csv", test: "g1.csv")
  loss = bce(p, labels.y)
}
`;
    writeFileSync(at('groups.bird'), model);
    writeFileSync(at('g1.csv'), 'px_a,px_b,y\n1,100,0\n2,200,1\n3,300,0\n');
    writeFileSync(at('g2.csv'), 'px_b,px_a,y\n400,4,1\n500,5,0\n');
    expect((await bird('fit', at('groups.bird'), '--data', at('g1.csv'), '--out', at('gparts', 'g1.json'))).code).toBe(0);
    expect((await bird('fit', at('groups.bird'), '--data', at('g2.csv'), '--out', at('gparts', 'g2.json'))).code).toBe(0);
    const merged = await bird('fit', at('groups.bird'), '--merge', at('gparts', '*.json'), '--out', at('g.json'));
    expect([merged.code, merged.stderr]).toEqual([
      2,
      expect.stringContaining('feature group `px` reads the columns `px_a`, `px_b` in one and `px_b`, `px_a` in the other'),
    ]);
    const encoded = await bird(
      'encode',
      at('groups.bird'),
      '--fitted',
      at('gparts', 'g1.json'),
      '--data',
      at('g2.csv'),
      '--out',
      at('genc'),
    );
    expect([encoded.code, encoded.stderr]).toEqual([2, expect.stringContaining('feature group `px` reads the columns')]);
    const folder = await bird('fit', at('groups.bird'), '--merge', at('gparts'), '--out', at('g.json'));
    expect([folder.code, folder.stderr]).toEqual([2, expect.stringContaining('is a folder, not a file `bird fit` wrote')]);
  }, 60_000);

  test('a merge refuses a part of another model, of other features, or of another pass, naming it', async () => {
    mkdirSync(at('mixed'), { recursive: true });
    expect((await bird('fit', at('stats.bird'), '--data', at('s1.csv'), '--out', at('mixed', 'b.json'))).code).toBe(0);
    const part = read<FitStatistics>(at('parts', 's1.json'));
    writeFileSync(at('mixed', 'a.json'), JSON.stringify(part));
    const other = await bird('fit', at('flights.bird'), '--merge', at('mixed', '*.json'), '--out', at('mixed.json'));
    expect([other.code, other.stderr]).toEqual([
      2,
      expect.stringContaining(`\`${at('mixed', 'b.json')}\` holds statistics of the model \`Stats\`, not \`DelayMlp\``),
    ]);
    writeFileSync(at('mixed', 'b.json'), JSON.stringify({ ...part, features: '0'.repeat(64) }));
    const features = await bird('fit', at('flights.bird'), '--merge', at('mixed', '*.json'), '--out', at('mixed.json'));
    expect([features.code, features.stderr]).toEqual([
      2,
      expect.stringContaining(`\`${at('mixed', 'b.json')}\` holds statistics of other features than \`DelayMlp\` has now`),
    ]);
    writeFileSync(at('mixed', 'b.json'), JSON.stringify({ ...part, pass: 2 }));
    const pass = await bird('fit', at('flights.bird'), '--merge', at('mixed', '*.json'), '--out', at('mixed.json'));
    expect([pass.code, pass.stderr]).toEqual([2, expect.stringContaining('holds pass 2 statistics')]);
    const trained = await bird('train', at('stats.bird'), '--fitted', at('parts', 's1.json'));
    expect([trained.code, trained.stderr]).toEqual([2, expect.stringContaining('holds statistics of the model `DelayMlp`, not `Stats`')]);
    const both = await bird('fit', at('flights.bird'), '--data', at('s1.csv'), '--merge', at('parts', '*.json'), '--out', at('x.json'));
    expect([both.code, both.stderr]).toEqual([
      2,
      expect.stringContaining('give `--data` (files to count) or `--merge` (parts to merge), one of them'),
    ]);
    const self = await bird('fit', at('flights.bird'), '--merge', at('parts', '*.json'), '--out', at('parts', 's1.json'));
    expect([self.code, self.stderr]).toEqual([2, expect.stringContaining('is one of the parts to merge')]);
  }, 60_000);
});
