import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { DomUtils, parseDocument } from 'htmlparser2';
import { runCli } from '../../src/cli/runCli.js';
import { calibrationBuckets } from '../../src/train/report/calibrationBuckets.js';
import { lineChart } from '../../src/train/report/lineChart.js';
import { groupByTask, metricTask } from '../../src/train/report/metricTask.js';
import { niceTicks } from '../../src/train/report/niceTicks.js';
import { renderReport } from '../../src/train/report/renderReport.js';
import { readJsonLines } from '../../src/train/report/runRecords.js';
import { repoRoot } from '../helpers/semanticCases.js';

type Element = ReturnType<typeof DomUtils.findAll>[number];

async function bird(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const attr = (e: Element, name: string): string => DomUtils.getAttributeValue(e, name) ?? '';
const all = (root: Element | ReturnType<typeof parseDocument>, test: (e: Element) => boolean): Element[] =>
  DomUtils.findAll(test, root.children);

/** The chart `data-chart=ID` of a report: the plotted values of its polylines and their pixel points. */
function chart(root: Element | ReturnType<typeof parseDocument>, id: string): { values: [number, number][]; pixels: [number, number][] } {
  const figures = all(root, (e) => e.name === 'figure' && attr(e, 'data-chart') === id);
  expect(figures).toHaveLength(1);
  const lines = all(figures[0]!, (e) => e.name === 'polyline');
  const pairs = (text: string): [number, number][] => text.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
  return { values: lines.flatMap((l) => pairs(attr(l, 'data-values'))), pixels: lines.flatMap((l) => pairs(attr(l, 'points'))) };
}

/** Rows whose values sort the same way have pixel heights in the reverse order (SVG's y grows downwards). */
function expectPixelsFollowValues(c: { values: [number, number][]; pixels: [number, number][] }): void {
  expect(c.pixels).toHaveLength(c.values.length);
  for (let i = 1; i < c.values.length; i++) {
    expect(Math.sign(c.pixels[i]![0] - c.pixels[i - 1]![0])).toBe(Math.sign(c.values[i]![0] - c.values[i - 1]![0]));
    expect(Math.sign(c.pixels[i - 1]![1] - c.pixels[i]![1])).toBe(Math.sign(Number((c.values[i]![1] - c.values[i - 1]![1]).toFixed(6))));
  }
}

function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/http/i);
  expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*\/\//i);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
}

describe('report pieces', () => {
  test('metric names split into prediction and label at top-level commas only', () => {
    expect(metricTask('auc(p_engaged, labels.engaged)')).toEqual({ fn: 'auc', output: 'p_engaged', label: 'labels.engaged' });
    expect(metricTask('accuracy(mean([a, b]), labels.y, threshold: 0.3)')).toEqual({
      fn: 'accuracy',
      output: 'mean([a, b])',
      label: 'labels.y',
    });
    expect(metricTask('p_mean')).toBeUndefined();
    const groups = groupByTask(['auc(p_e, labels.e)', 'auc(p_rt, labels.rt)', 'logloss(p_e, labels.e)', 'x']);
    expect(groups.map((g) => [g.output, g.metrics])).toEqual([
      ['p_e', ['auc(p_e, labels.e)', 'logloss(p_e, labels.e)']],
      ['p_rt', ['auc(p_rt, labels.rt)']],
      ['', ['x']],
    ]);
  });

  test('ticks are round, cover the range, and are whole numbers when asked', () => {
    expect(niceTicks(0.53, 0.71)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75]);
    expect(niceTicks(1, 3, 6, true)).toEqual([1, 2, 3]);
    const t = niceTicks(-1.69, 6.65);
    expect(t[0]).toBeLessThanOrEqual(-1.69);
    expect(t.at(-1)).toBeGreaterThanOrEqual(6.65);
  });

  test('calibration buckets hold every example once, never split equal predictions, and count positives', () => {
    const p = Float32Array.from({ length: 103 }, (_, i) => (i % 17 === 0 ? 0.5 : ((i * 37) % 101) / 101));
    const y = Float32Array.from(p, (v, i) => (i % 3 === 0 || v > 0.8 ? 1 : 0));
    const buckets = calibrationBuckets(p, y, 10);
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(103);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.min).toBeGreaterThan(buckets[i - 1]!.max);
    for (const b of buckets) {
      const inside = Array.from(p.keys()).filter((i) => p[i]! >= b.min && p[i]! <= b.max);
      expect(inside).toHaveLength(b.count);
      expect(b.positives).toBe(inside.filter((i) => y[i] === 1).length);
      expect(b.meanPredicted).toBeCloseTo(inside.reduce((s, i) => s + p[i]!, 0) / inside.length, 6);
    }
    // The seven predictions of 0.5 fall in one bucket, which is why it may be larger than the others.
    expect(buckets.filter((b) => b.min <= 0.5 && b.max >= 0.5)).toHaveLength(1);
  });

  test('the status tells a finished run, an early stop and an unfinished one apart; a run without steps or calibration has neither shown', () => {
    const records = [0.6, 0.7, 0.65].map((v, i) => ({ epoch: i + 1, loss: 0.5 - i / 10, 'auc(p, labels.y)': v }));
    const earlyStop = { fn: 'early_stop', args: { metric: 'auc', patience: 1 }, positional: [] };
    const page = (epochs: number, settings = {}): string =>
      renderReport({
        path: 'r',
        config: { model: 'M', epochs, settings },
        metricNames: ['auc(p, labels.y)'],
        epochs: records,
        steps: [],
        calibration: undefined,
      });
    expect(page(5, { early_stop: earlyStop })).toContain(
      'Stopped early after epoch 3 of 5 by early_stop(metric: &quot;auc&quot;, patience: 1)',
    );
    expect(page(5)).toContain('Epoch 3 of 5 recorded: the run is still training, or stopped before its end');
    const finished = page(3);
    expect(finished).toContain('Finished: 3 epochs.');
    const dom = parseDocument(finished);
    expect(all(dom, (e) => attr(e, 'data-chart') === 'loss per step')).toHaveLength(0);
    expect(all(dom, (e) => e.name === 'table' && attr(e, 'class') === 'calibration-table')).toHaveLength(0);
    expect(chart(dom, 'auc(p, labels.y)').values).toEqual([
      [1, 0.6],
      [2, 0.7],
      [3, 0.65],
    ]);
    // Best is the highest AUC and the lowest loss, each with its epoch.
    const best = (metric: string): string =>
      DomUtils.textContent(all(all(dom, (e) => e.name === 'tr' && attr(e, 'data-metric') === metric)[0]!, (e) => e.name === 'td').at(-1)!);
    expect(best('auc(p, labels.y)')).toBe('0.7 (epoch 2)');
    expect(best('loss')).toBe('0.3 (epoch 3)');
    expect(finished).toContain('<tr><th>Bird version</th><td>not recorded</td></tr>');
    expectSelfContained(finished);
  });

  test('a chart keeps each value and breaks its line at a missing one', () => {
    const svg = lineChart({
      id: 'm',
      title: 'm',
      xLabel: 'epoch',
      yLabel: 'm',
      integerX: true,
      series: [
        {
          name: 'm',
          points: [
            { x: 1, y: 0.5 },
            { x: 2, y: null },
            { x: 3, y: 0.7 },
            { x: 4, y: 0.6 },
          ],
        },
      ],
    });
    const dom = parseDocument(svg);
    const lines = all(dom, (e) => e.name === 'polyline').map((l) => attr(l, 'data-values'));
    expect(lines).toEqual(['1,0.5', '3,0.7 4,0.6']);
    expectPixelsFollowValues({
      values: [
        [3, 0.7],
        [4, 0.6],
      ],
      pixels: attr(all(dom, (e) => e.name === 'polyline')[1]!, 'points')
        .split(' ')
        .map((p) => p.split(',').map(Number) as [number, number]),
    });
    expectSelfContained(svg);
  });
});

const sampleLines = gunzipSync(readFileSync(join(repoRoot, 'models', 'data', 'flights_sample.csv.gz')))
  .toString('utf8')
  .trim()
  .split('\n');

describe('report.html of a training run', () => {
  test('holds the curves of metrics.jsonl and steps.jsonl, the final metrics and a calibration matching the holdout predictions', async () => {
    const model = join(repoRoot, 'models', 'flights.bird');
    const run = mkdtempSync(join(tmpdir(), 'bird-report-'));
    expect((await bird('train', model, '--epochs', '2', '--batch', '1000', '--backend', 'wasm', '--out', run)).code).toBe(0);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expectSelfContained(html);
    const dom = parseDocument(html);
    // The run facts carry the data file's hash.
    const sha256 = createHash('sha256')
      .update(readFileSync(join(repoRoot, 'models', 'data', 'flights_sample.csv.gz')))
      .digest('hex');
    const facts = Object.fromEntries(
      all(dom, (e) => e.name === 'tr' && e.parent !== null && attr(e.parent as Element, 'class') === 'facts').map((r) => [
        DomUtils.textContent(r.children[0]!),
        DomUtils.textContent(r.children[1]!),
      ]),
    );
    expect(facts['data fingerprint']).toContain(`sha256 ${sha256}`);
    expect(facts['data fingerprint']).toContain('5000 train rows');
    expect(facts['epochs']).toBe('2 of 2');
    expect(facts['batch']).toBe('1000');
    expect(facts['backend']).toMatch(/^wasm, [12] threads? asked$/);
    const records = readJsonLines<Record<string, number>>(join(run, 'metrics.jsonl'));
    const steps = readJsonLines<{ step: number; epoch: number; loss: number }>(join(run, 'steps.jsonl'));
    expect(records.map((r) => r['epoch'])).toEqual([1, 2]);
    expect(steps.map((s) => [s.step, s.epoch])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, i < 5 ? 1 : 2]));

    const epochLoss = chart(dom, 'loss per epoch');
    expect(epochLoss.values).toEqual(records.map((r) => [r['epoch'], r['loss']]));
    expectPixelsFollowValues(epochLoss);
    const stepLoss = chart(dom, 'loss per step');
    expect(stepLoss.values).toEqual(steps.map((s) => [s.step, s.loss]));
    expectPixelsFollowValues(stepLoss);

    const metrics = [
      'auc(p_delayed, labels.label_delayed15)',
      'logloss(p_delayed, labels.label_delayed15)',
      'rce(p_delayed, labels.label_delayed15)',
    ];
    const sections = all(dom, (e) => e.name === 'section' && attr(e, 'class') === 'task');
    expect(sections.map((s) => [attr(s, 'data-output'), attr(s, 'data-label')])).toEqual([['p_delayed', 'labels.label_delayed15']]);
    for (const name of metrics) {
      const c = chart(sections[0]!, name);
      expect(c.values).toEqual(records.map((r) => [r['epoch'], r[name]]));
      expectPixelsFollowValues(c);
      const row = all(dom, (e) => e.name === 'tr' && attr(e, 'data-metric') === name);
      expect(row).toHaveLength(1);
      expect(Number(attr(all(row[0]!, (e) => e.name === 'td' && attr(e, 'data-value') !== '')[0]!, 'data-value'))).toBe(records[1]![name]);
    }

    // The holdout (every sixth row from the sixth) without its labels, scored by `bird predict`.
    const head = sampleLines[0]!.split(',');
    const labelAt = head.indexOf('label_delayed15');
    const holdout = sampleLines
      .slice(1)
      .filter((_, i) => i % 6 === 5)
      .map((l) => l.split(','));
    const data = join(run, '..', `${run.split('/').pop()}-holdout.csv`);
    writeFileSync(data, [head, ...holdout].map((cells) => cells.filter((_, k) => k !== labelAt).join(',')).join('\n') + '\n');
    const out = join(mkdtempSync(join(tmpdir(), 'bird-pred-')), 'p.csv');
    expect((await bird('predict', model, '--checkpoint', run, '--data', data, '--out', out)).code).toBe(0);
    rmSync(data);
    const p = readFileSync(out, 'utf8').trim().split('\n').slice(1).map(Number);
    const y = holdout.map((cells) => Number(cells[labelAt]));
    const table = all(dom, (e) => e.name === 'table' && attr(e, 'data-output') === 'p_delayed');
    expect(table).toHaveLength(1);
    const rows = all(table[0]!, (e) => e.name === 'tr' && attr(e, 'data-count') !== '');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.reduce((s, r) => s + Number(attr(r, 'data-count')), 0)).toBe(holdout.length);
    for (const r of rows) {
      const inside = p.map((v, i) => ({ v, i })).filter(({ v }) => v >= Number(attr(r, 'data-min')) && v <= Number(attr(r, 'data-max')));
      expect(inside).toHaveLength(Number(attr(r, 'data-count')));
      const positives = inside.filter(({ i }) => y[i] === 1).length;
      expect(Number(attr(r, 'data-positives'))).toBe(positives);
      // The table's actual rate (fifth figure) is the rate among those rows.
      const cells = all(r, (e) => e.name === 'td').map((c) => DomUtils.textContent(c));
      expect(Number(cells[5])).toBeCloseTo(positives / inside.length, 3);
    }
    const reliability = chart(sections[0]!, 'calibration p_delayed labels.label_delayed15');
    expect(reliability.values).toHaveLength(rows.length);

    // `bird report` writes the same page again, apart from its time stamp.
    const stamp = (text: string): string => text.replace(/Written [^ ]+ from/, 'Written TIME from');
    rmSync(join(run, 'report.html'));
    const again = await bird('report', run);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`report written to ${join(run, 'report.html')}`);
    expect(stamp(readFileSync(join(run, 'report.html'), 'utf8'))).toBe(stamp(html));
  }, 180_000);

  test('a two-output model gets a section per output, and a resumed run keeps its earlier epochs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bird-report-two-'));
    const head = sampleLines[0]!.split(',');
    const delayAt = head.indexOf('delay');
    writeFileSync(
      join(dir, 'two.csv'),
      [[...head, 'late60'].join(','), ...sampleLines.slice(1).map((l) => `${l},${Number(l.split(',')[delayAt]) > 60 ? 1 : 0}`)].join('\n') +
        '\n',
    );
    writeFileSync(
      join(dir, 'two.bird'),
      `bird 1
import std.nn { mlp, embedding_bag, dense }
import std.loss { bce }
import std.metric { auc, logloss }

features Flight {
  hour     : discrete(24)
  distance : continuous = 0 |> log1p |> zscore
  origin   : string |> vocab(max: 300)
}

labels Flight {
  label_delayed15 : binary
  late60          : binary
}

model TwoTasks(f: Flight) {
  h = mlp(concat([embedding_bag(f.origin, dim: 8), one_hot(f.hour), f.distance]), [32])
  out p_delayed = sigmoid(dense(h, 1))
  out p_late = sigmoid(dense(h, 1))
}

train TwoTasks {
  data = csv("two.csv", split: holdout(every: 6, offset: 5))
  loss = bce(p_delayed, labels.label_delayed15) + 0.5 * bce(p_late, labels.late60)
  batch = 1000
  metrics = [auc(p_delayed, labels.label_delayed15), auc(p_late, labels.late60), logloss(p_late, labels.late60)]
}
`,
    );
    const run = join(dir, 'run');
    expect((await bird('train', join(dir, 'two.bird'), '--epochs', '1', '--backend', 'wasm', '--out', run)).code).toBe(0);
    const first = readJsonLines<Record<string, number>>(join(run, 'metrics.jsonl'));
    const firstHtml = readFileSync(join(run, 'report.html'), 'utf8');
    expect(firstHtml.includes('Finished: 1 epoch.')).toBe(true);
    const resumed = await bird('train', join(dir, 'two.bird'), '--epochs', '2', '--resume', '--backend', 'wasm', '--out', run);
    expect(resumed.code).toBe(0);
    const records = readJsonLines<Record<string, number>>(join(run, 'metrics.jsonl'));
    expect(records.map((r) => r['epoch'])).toEqual([1, 2]);
    expect(records[0]).toEqual(first[0]);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expectSelfContained(html);
    expect(html.includes('Finished: 2 epochs.')).toBe(true);
    const dom = parseDocument(html);
    const sections = all(dom, (e) => e.name === 'section' && attr(e, 'class') === 'task');
    expect(sections.map((s) => [attr(s, 'data-output'), attr(s, 'data-label')])).toEqual([
      ['p_delayed', 'labels.label_delayed15'],
      ['p_late', 'labels.late60'],
    ]);
    const [delayed, late] = sections as [Element, Element];
    // Each output's section holds its own metrics' curves, over both epochs, and its own calibration.
    expect(chart(delayed, 'auc(p_delayed, labels.label_delayed15)').values).toEqual(
      records.map((r) => [r['epoch'], r['auc(p_delayed, labels.label_delayed15)']]),
    );
    expect(chart(late, 'auc(p_late, labels.late60)').values).toEqual(records.map((r) => [r['epoch'], r['auc(p_late, labels.late60)']]));
    expect(chart(late, 'logloss(p_late, labels.late60)').values).toEqual(
      records.map((r) => [r['epoch'], r['logloss(p_late, labels.late60)']]),
    );
    expect(all(delayed, (e) => attr(e, 'data-chart') === 'auc(p_late, labels.late60)')).toHaveLength(0);
    const holdout = (sampleLines.length - 1) / 6;
    for (const [section, output] of [
      [delayed, 'p_delayed'],
      [late, 'p_late'],
    ] as const) {
      const table = all(section, (e) => e.name === 'table' && attr(e, 'data-output') === output);
      expect(table).toHaveLength(1);
      const counts = all(table[0]!, (e) => e.name === 'tr' && attr(e, 'data-count') !== '').map((r) => Number(attr(r, 'data-count')));
      expect(counts.reduce((s, c) => s + c, 0)).toBe(holdout);
    }
    // The late label is about as rare in the table as in the data.
    const lateRows = all(late, (e) => e.name === 'tr' && attr(e, 'data-positives') !== '');
    const latePositives = lateRows.reduce((s, r) => s + Number(attr(r, 'data-positives')), 0);
    const expected = sampleLines.slice(1).filter((_, i) => i % 6 === 5 && Number(sampleLines[i + 1]!.split(',')[delayAt]) > 60).length;
    expect(latePositives).toBe(expected);
    // The step losses of epoch 1 survive the resume, and epoch 2's follow them.
    expect(chart(dom, 'loss per step').values.map(([s]) => s)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  }, 180_000);

  test('bird report on a folder that is not a run, or with a damaged metrics.jsonl, is a usage error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bird-report-'));
    const r = await bird('report', empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a run folder written by `bird train`');
    writeFileSync(join(empty, 'config.json'), '{"model":"M","epochs":1}\n');
    writeFileSync(join(empty, 'metrics.jsonl'), '{"epoch":1,"loss":0.5}\n{"epoch":2,\n');
    const damaged = await bird('report', empty);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toContain(`\`${join(empty, 'metrics.jsonl')}:2\` is not valid JSON`);
  });
});
