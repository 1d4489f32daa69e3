/** The report's whole stylesheet, inlined so the file needs nothing else to display. */
export const reportStyle = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --line: #d5dbe1; --plot: #f7f9fb; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } p.status { color: var(--muted); margin: 0 0 12px; } p.note { color: var(--muted); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } tfoot td { font-weight: 600; border-bottom: none; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
figure.chart { margin: 0; } figcaption { font-size: 13px; color: var(--muted); text-align: center; }
p.legend { margin: 2px 0 0; font-size: 12px; text-align: center; } .key::before { content: "\\25A0  "; }
svg { display: block; font: 11px system-ui, sans-serif; } rect.plot { fill: var(--plot); stroke: var(--line); }
line.grid { stroke: #e4e8ec; } text.tick { fill: var(--muted); } text.axis-label { fill: var(--ink); }
line.diagonal { stroke: #9aa4ae; stroke-dasharray: 4 3; }
g.series polyline { fill: none; stroke-width: 2; } g.series circle { stroke: #fff; stroke-width: 1; }
.s0 polyline { stroke: #1f77b4; } .s0 circle { fill: #1f77b4; } .key.s0::before { color: #1f77b4; }
.s1 polyline { stroke: #d62728; } .s1 circle { fill: #d62728; } .key.s1::before { color: #d62728; }
.s2 polyline { stroke: #2ca02c; } .s2 circle { fill: #2ca02c; } .key.s2::before { color: #2ca02c; }
.s3 polyline { stroke: #9467bd; } .s3 circle { fill: #9467bd; } .key.s3::before { color: #9467bd; }
.s4 polyline { stroke: #ff7f0e; } .s4 circle { fill: #ff7f0e; } .key.s4::before { color: #ff7f0e; }
.s5 polyline { stroke: #17becf; } .s5 circle { fill: #17becf; } .key.s5::before { color: #17becf; }
.calibration { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; }
`;
