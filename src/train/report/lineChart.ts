import { escapeHtml } from './escapeHtml.js';
import { formatValue, niceTicks } from './niceTicks.js';

export interface ChartPoint {
  readonly x: number;
  /** null (a metric that could not be computed) breaks the line. */
  readonly y: number | null;
  /** The marker's tooltip, instead of `x: y`. */
  readonly note?: string;
  /** The marker's radius, instead of the default. */
  readonly radius?: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface LineChartSpec {
  /** What the chart is of: its `data-chart` attribute and accessible name. */
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Whole-number x ticks (epochs, steps). */
  readonly integerX?: boolean;
  /** Fixed axis ranges, instead of ones fitted to the data. */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /** Draws y = x, for a reliability diagram. */
  readonly diagonal?: boolean;
  /** Markers at the points: always up to this many points per series (default 60). */
  readonly maxMarkers?: number;
  readonly width?: number;
  readonly height?: number;
}

const margin = { left: 58, right: 14, top: 12, bottom: 40 };

/**
 * A line chart as inline SVG (no namespace, scripts or external references: it lives
 * inside the report's HTML). Each series is a `<g class="series" data-series=NAME>` with
 * one `<polyline>` per unbroken run of points, whose `data-values` holds the plotted
 * values (`x,y x,y`) as given, beside the pixel `points`; markers carry a tooltip.
 */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 420;
  const height = spec.height ?? 240;
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.filter((p): p is ChartPoint & { y: number } => p.y !== null && Number.isFinite(p.y)).map((p) => p.y);
  const xTicks = spec.xDomain
    ? niceTicks(spec.xDomain[0], spec.xDomain[1], 5, spec.integerX)
    : niceTicks(Math.min(...xs), Math.max(...xs), 6, spec.integerX);
  const yTicks = spec.yDomain ? niceTicks(spec.yDomain[0], spec.yDomain[1], 5) : niceTicks(Math.min(...ys), Math.max(...ys), 5);
  const [x0, x1] = spec.xDomain ?? [xTicks[0] ?? 0, xTicks.at(-1) ?? 1];
  const [y0, y1] = spec.yDomain ?? [yTicks[0] ?? 0, yTicks.at(-1) ?? 1];
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number): number => round(margin.left + ((x - x0) / (x1 - x0 || 1)) * plotW);
  const py = (y: number): number => round(margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH);
  const parts: string[] = [];
  parts.push(`<rect class="plot" x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/>`);
  for (const t of yTicks.filter((t) => t >= y0 && t <= y1)) {
    parts.push(`<line class="grid" x1="${margin.left}" x2="${margin.left + plotW}" y1="${py(t)}" y2="${py(t)}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${py(t) + 4}" text-anchor="end">${escapeHtml(formatValue(t))}</text>`);
  }
  for (const t of xTicks.filter((t) => t >= x0 && t <= x1)) {
    parts.push(`<line class="grid" x1="${px(t)}" x2="${px(t)}" y1="${margin.top}" y2="${margin.top + plotH}"/>`);
    parts.push(`<text class="tick" x="${px(t)}" y="${margin.top + plotH + 16}" text-anchor="middle">${escapeHtml(formatValue(t))}</text>`);
  }
  parts.push(
    `<text class="axis-label" x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  if (spec.diagonal) {
    const lo = Math.max(x0, y0);
    const hi = Math.min(x1, y1);
    parts.push(`<line class="diagonal" x1="${px(lo)}" y1="${py(lo)}" x2="${px(hi)}" y2="${py(hi)}"/>`);
  }
  spec.series.forEach((s, i) => {
    const runs: ChartPoint[][] = [[]];
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y)) runs.push([]);
      else runs.at(-1)!.push(p);
    }
    const lines = runs
      .filter((r) => r.length > 0)
      .map(
        (r) =>
          `<polyline points="${r.map((p) => `${px(p.x)},${py(p.y!)}`).join(' ')}" data-values="${r.map((p) => `${p.x},${p.y}`).join(' ')}"/>`,
      );
    const markers =
      s.points.length <= (spec.maxMarkers ?? 60)
        ? s.points
            .filter((p) => p.y !== null && Number.isFinite(p.y))
            .map(
              (p) =>
                `<circle cx="${px(p.x)}" cy="${py(p.y!)}" r="${p.radius ?? 3}"><title>${escapeHtml(p.note ?? `${s.name} at ${spec.xLabel} ${formatValue(p.x)}: ${formatValue(p.y)}`)}</title></circle>`,
            )
        : [];
    parts.push(`<g class="series s${i % 6}" data-series="${escapeHtml(s.name)}">${[...lines, ...markers].join('')}</g>`);
  });
  const legend =
    spec.series.length > 1
      ? `<p class="legend">${spec.series.map((s, i) => `<span class="key s${i % 6}">${escapeHtml(s.name)}</span>`).join(' ')}</p>`
      : '';
  return (
    `<figure class="chart" data-chart="${escapeHtml(spec.id)}">` +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">${parts.join('')}</svg>` +
    `<figcaption>${escapeHtml(spec.title)}</figcaption>${legend}</figure>`
  );
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
