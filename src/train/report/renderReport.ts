import { describeSplit } from '../../data/split.js';
import { earlyStopper, lowerIsBetter } from '../earlyStopper.js';
import { escapeHtml } from './escapeHtml.js';
import { formatSetting } from './formatSetting.js';
import { lineChart, type ChartPoint } from './lineChart.js';
import { groupByTask, type TaskMetrics } from './metricTask.js';
import { formatValue } from './niceTicks.js';
import type { OutputCalibration } from './outputCalibration.js';
import { reportStyle } from './reportStyle.js';
import type { EpochRecord, RunRecords, StepRecord } from './runRecords.js';

/** Step losses beyond this many are averaged in runs of consecutive steps, so the chart stays light. */
const maxStepPoints = 500;

/**
 * The training report of a run as one self-contained HTML page: inline CSS and SVG, no
 * script, font or external reference, so it reads offline. A pure function of what the
 * run folder holds (`now` only stamps the page).
 */
export function renderReport(run: RunRecords, now: Date = new Date()): string {
  const model = run.config.model ?? 'model';
  const tasks = groupByTask(run.metricNames);
  const body = [
    `<h1>Training report: ${escapeHtml(model)}</h1>`,
    `<p class="status">${escapeHtml(status(run))}</p>`,
    section('run', 'Run', factsTable(run)),
    section('final-metrics', 'Final metrics', finalMetrics(run, tasks)),
    section('loss', 'Training loss', lossCharts(run)),
    ...tasks.map((t) => taskSection(run, t)),
    ...orphanCalibrations(run, tasks),
    `<p class="note">Written ${escapeHtml(now.toISOString())} from <code>${escapeHtml(run.path)}</code>; <code>bird report</code> writes it again from the run folder.</p>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${model}: training report`)}</title>`,
    `<style>${reportStyle}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(id: string, title: string, content: string, attrs = ''): string {
  return `<section id="${escapeHtml(id)}"${attrs}>\n<h2>${escapeHtml(title)}</h2>\n${content}\n</section>`;
}

/** Whether the run finished, stopped early, or has not (yet) reached its last epoch. */
function status(run: RunRecords): string {
  const planned = run.config.epochs;
  const last = run.epochs.at(-1)?.epoch ?? 0;
  if (last === 0) return 'No epoch has finished yet.';
  if (planned !== undefined && last >= planned) return `Finished: ${last} epoch${last === 1 ? '' : 's'}.`;
  const stopper = earlyStopper(run.config.settings?.['early_stop']);
  if (stopper && run.epochs.map((r) => stopper(r)).at(-1) === true) {
    return `Stopped early after epoch ${last} of ${planned ?? '?'} by ${formatSetting(run.config.settings?.['early_stop'])}; the final model is epoch ${last}'s (the last trained, not the best).`;
  }
  return `Epoch ${last} of ${planned ?? '?'} recorded: the run is still training, or stopped before its end (\`bird train --resume\` continues it).`;
}

function factsTable(run: RunRecords): string {
  const c = run.config;
  const data = c.data;
  const last = run.epochs.at(-1);
  const total = run.epochs.reduce((s, r) => s + (r['train_s'] ?? 0), 0);
  const evaluated = run.calibration?.outputs[0]?.examples;
  const rows: [string, string][] = [
    ['model', `${c.model ?? '?'} (${c.file ?? '?'})`],
    ['run folder', run.path],
    [
      'data',
      data === undefined
        ? 'not recorded'
        : data.kind === 'files'
          ? `train ${data.train}, ${data.validation !== undefined ? `validation ${data.validation}, ` : ''}test ${data.test}`
          : `${data.path}, split ${describeSplit(data.split)}`,
    ],
    [
      'rows',
      `${last ? `${last['examples']} training examples per epoch` : 'training examples not recorded yet'}${evaluated !== undefined ? `, ${evaluated} evaluation examples` : ''}`,
    ],
    [
      'data fingerprint',
      c.fingerprint
        ? [
            ...c.fingerprint.files.map((f) => `${f.path}: ${f.bytes} bytes, sha256 ${f.sha256}`),
            ...Object.entries(c.fingerprint.rows).map(([part, n]) => `${n} ${part} rows`),
          ].join('; ')
        : 'not recorded',
    ],
    ['backend', `${c.backend ?? '?'}${c.threads !== undefined ? `, ${c.threads} thread${c.threads === 1 ? '' : 's'} asked` : ''}`],
    ['epochs', `${last?.epoch ?? 0} of ${c.epochs ?? '?'}`],
    ['batch', String(c.batch ?? '?')],
    ['optimizer', formatSetting(c.settings?.['optimizer']) || 'adam(lr: 0.001) (the default)'],
    ['seed', String(c.seed ?? '?')],
    [
      'training time',
      `${formatValue(total)} s over ${run.epochs.length} epoch${run.epochs.length === 1 ? '' : 's'}${total > 0 && last ? `, ${Math.round(run.epochs.reduce((s, r) => s + (r['examples'] ?? 0), 0) / total)} examples/s` : ''} (training only: reading and evaluation excluded)`,
    ],
    ['peak memory', last?.['peak_rss_mb'] !== undefined && last['peak_rss_mb'] !== null ? `${last['peak_rss_mb']} MB` : 'not recorded'],
    ['created', c.created ?? 'not recorded'],
    ['Bird version', c.bird ?? 'not recorded'],
  ];
  const extra = Object.entries(c.settings ?? {})
    .filter(([k]) => !['data', 'optimizer', 'epochs', 'batch', 'seed', 'metrics', 'loss'].includes(k))
    .map(([k, v]): [string, string] => [k, formatSetting(v)]);
  return `<table class="facts">${[...rows, ...extra].map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

function taskTitle(t: TaskMetrics): string {
  if (t.output === '') return 'other metrics';
  return t.label === '' ? t.output : `${t.output} against ${t.label}`;
}

function bestOf(records: readonly EpochRecord[], name: string): { value: number; epoch: number } | undefined {
  const lower = lowerIsBetter(name);
  let best: { value: number; epoch: number } | undefined;
  for (const r of records) {
    const v = r[name];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    if (!best || (lower ? v < best.value : v > best.value)) best = { value: v, epoch: r.epoch };
  }
  return best;
}

function finalMetrics(run: RunRecords, tasks: readonly TaskMetrics[]): string {
  const last = run.epochs.at(-1);
  if (!last) return '<p class="note">No epoch has finished yet.</p>';
  const rows = tasks.flatMap((t) =>
    t.metrics.map((name) => {
      const best = bestOf(run.epochs, name);
      const value = last[name] ?? null;
      return `<tr data-metric="${escapeHtml(name)}"><td>${escapeHtml(taskTitle(t))}</td><td><code>${escapeHtml(name)}</code></td><td class="num" data-value="${value ?? ''}">${escapeHtml(formatValue(value))}</td><td class="num">${best ? `${escapeHtml(formatValue(best.value))} (epoch ${best.epoch})` : 'n/a'}</td></tr>`;
    }),
  );
  const loss = `<tr data-metric="loss"><td>training</td><td>mean training loss</td><td class="num" data-value="${last['loss'] ?? ''}">${escapeHtml(formatValue(last['loss']))}</td><td class="num">${(() => {
    const b = bestOf(run.epochs, 'loss');
    return b ? `${escapeHtml(formatValue(b.value))} (epoch ${b.epoch})` : 'n/a';
  })()}</td></tr>`;
  return (
    `<p class="note">On the evaluation part after epoch ${last.epoch}, the last recorded. Best: the highest over the epochs, or the lowest for names containing <code>loss</code>.</p>` +
    `<table class="final"><thead><tr><th>task</th><th>metric</th><th class="num">epoch ${last.epoch}</th><th class="num">best</th></tr></thead><tbody>${rows.join('')}${loss}</tbody></table>`
  );
}

/** Consecutive steps averaged into at most `maxStepPoints` points: (mean step, mean loss). */
function stepPoints(steps: readonly StepRecord[]): { points: ChartPoint[]; per: number } {
  const per = Math.max(1, Math.ceil(steps.length / maxStepPoints));
  const points: ChartPoint[] = [];
  for (let i = 0; i < steps.length; i += per) {
    const bin = steps.slice(i, i + per);
    points.push({ x: bin.reduce((s, r) => s + r.step, 0) / bin.length, y: bin.reduce((s, r) => s + r.loss, 0) / bin.length });
  }
  return { points, per };
}

function lossCharts(run: RunRecords): string {
  const charts = [];
  if (run.epochs.length > 0) {
    charts.push(
      lineChart({
        id: 'loss per epoch',
        title: 'mean training loss per epoch',
        xLabel: 'epoch',
        yLabel: 'loss',
        integerX: true,
        series: [{ name: 'loss', points: run.epochs.map((r) => ({ x: r.epoch, y: r['loss'] ?? null })) }],
      }),
    );
  }
  if (run.steps.length > 0) {
    const { points, per } = stepPoints(run.steps);
    charts.push(
      lineChart({
        id: 'loss per step',
        title: per === 1 ? "training loss per step (the batch's mean)" : `training loss per step (mean of each ${per} steps)`,
        xLabel: 'step',
        yLabel: 'loss',
        integerX: true,
        series: [{ name: 'loss', points }],
      }),
    );
  }
  if (charts.length === 0) return '<p class="note">No step or epoch has been recorded yet.</p>';
  return `<div class="charts">${charts.join('')}</div>`;
}

function taskSection(run: RunRecords, t: TaskMetrics): string {
  const charts = t.metrics.map((name) =>
    lineChart({
      id: name,
      title: name,
      xLabel: 'epoch',
      yLabel: name.replace(/\(.*$/s, ''),
      integerX: true,
      series: [{ name, points: run.epochs.map((r) => ({ x: r.epoch, y: r[name] ?? null })) }],
    }),
  );
  const calibrations = (run.calibration?.outputs ?? []).filter((c) => c.output === t.output && c.label === t.label);
  const body = [`<div class="charts">${charts.join('')}</div>`, ...calibrations.map((c) => calibrationBlock(c, run.calibration!.epoch))];
  return section(
    taskId(t.output, t.label),
    taskTitle(t),
    body.join('\n'),
    ` class="task" data-output="${escapeHtml(t.output)}" data-label="${escapeHtml(t.label)}"`,
  );
}

/** Calibrations of outputs no metric group names (they always have one when written by `bird train`). */
function orphanCalibrations(run: RunRecords, tasks: readonly TaskMetrics[]): string[] {
  const orphans = (run.calibration?.outputs ?? []).filter((c) => !tasks.some((t) => t.output === c.output && t.label === c.label));
  return orphans.map((c) =>
    section(
      taskId(c.output, c.label),
      `${c.output} against ${c.label}`,
      calibrationBlock(c, run.calibration!.epoch),
      ` class="task" data-output="${escapeHtml(c.output)}" data-label="${escapeHtml(c.label)}"`,
    ),
  );
}

/** A task section's element id: HTML ids hold no spaces, so anything but letters, digits, `_` and `.` becomes `-`. */
function taskId(output: string, label: string): string {
  return `task-${output}-${label}`.replace(/[^\w.]+/g, '-');
}

function calibrationBlock(c: OutputCalibration, epoch: number): string {
  const heading = `<h3>Calibration after epoch ${epoch}</h3>`;
  if (c.buckets.length === 0) return `${heading}<p class="note">No calibration: ${escapeHtml(c.note ?? 'no examples')}.</p>`;
  const top = Math.max(...c.buckets.map((b) => Math.max(b.meanPredicted, b.actualRate)));
  // The axes end at the next tenth above every point, so a model whose buckets stay below 0.3 still fills the plot.
  const edge = Math.min(1, Math.ceil(top * 10 + 1e-9) / 10) || 1;
  const largest = Math.max(...c.buckets.map((b) => b.count));
  const diagram = lineChart({
    id: `calibration ${c.output} ${c.label}`,
    title: `reliability: actual positive rate against mean prediction, ${c.buckets.length} buckets`,
    xLabel: `mean ${c.output} in the bucket`,
    yLabel: `actual rate of ${c.label}`,
    xDomain: [0, edge],
    yDomain: [0, edge],
    diagonal: true,
    width: 320,
    height: 320,
    series: [
      {
        name: c.output,
        points: c.buckets.map((b, i) => ({
          x: b.meanPredicted,
          y: b.actualRate,
          radius: Math.round((2.5 + 4.5 * Math.sqrt(b.count / largest)) * 10) / 10,
          note: `bucket ${i + 1}: ${b.count} examples, mean prediction ${formatValue(b.meanPredicted)}, actual rate ${formatValue(b.actualRate)}`,
        })),
      },
    ],
  });
  const positives = c.buckets.reduce((s, b) => s + b.positives, 0);
  const meanPredicted = c.buckets.reduce((s, b) => s + b.meanPredicted * b.count, 0) / c.examples;
  const rows = c.buckets.map(
    (b, i) =>
      `<tr data-min="${b.min}" data-max="${b.max}" data-count="${b.count}" data-positives="${b.positives}"><td class="num">${i + 1}</td><td class="num">${escapeHtml(formatValue(b.min))} – ${escapeHtml(formatValue(b.max))}</td><td class="num">${b.count}</td><td class="num">${b.positives}</td><td class="num">${escapeHtml(formatValue(b.meanPredicted))}</td><td class="num">${escapeHtml(formatValue(b.actualRate))}</td></tr>`,
  );
  const table =
    `<table class="calibration-table" data-output="${escapeHtml(c.output)}" data-label="${escapeHtml(c.label)}"><thead><tr><th class="num">bucket</th><th class="num">predictions</th><th class="num">examples</th><th class="num">positives</th><th class="num">mean prediction</th><th class="num">actual rate</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody><tfoot><tr><td>all</td><td></td><td class="num">${c.examples}</td><td class="num">${positives}</td><td class="num">${escapeHtml(formatValue(meanPredicted))}</td><td class="num">${escapeHtml(formatValue(positives / c.examples))}</td></tr></tfoot></table>`;
  const note = `<p class="note">Evaluation examples in about equal-count buckets of the prediction (equal predictions share a bucket), the model after epoch ${epoch}; a calibrated model's points lie on the dashed diagonal. Each example counts once (sample weights are not applied).</p>`;
  return `${heading}${note}<div class="calibration">${diagram}${table}</div>`;
}
