import type { OpName } from './opNames.js';
import { referenceOps } from './reference/referenceOps.js';
import { opRegistry } from './registry.js';
import { gradientKind, type OpFamily } from './opSchema.js';

const familyTitles: Readonly<Record<OpFamily, string>> = {
  graph: 'Graph plumbing (made by the compiler, not called by name)',
  elementwise: 'Elementwise',
  linalg: 'Linear algebra',
  reduce: 'Reductions',
  shape: 'Shapes',
  nn: 'Neural network',
  sparse: 'Sparse features',
  sequence: 'Sequences',
  loss: 'Losses',
  metric: 'Metrics (over a whole evaluation set)',
  preprocess: 'Feature preprocessing',
};

/** How the float64 reference (`src/ops/reference/`) treats an op, as ops.md says it. */
function referenceKind(name: string): string {
  const entry = referenceOps[name as OpName];
  if (entry === undefined) return '-';
  if (typeof entry === 'function') return 'float64';
  return 'fed' in entry ? `fed (${entry.fed})` : `not evaluated: ${entry.excluded}`;
}

/** `docs/ops.md`: every op of the registry with its parameters, gradient, reference semantics and doc line. */
export function opReference(): string {
  const lines = [
    '# Primitive ops',
    '',
    'Generated from the op registry (`src/ops/`) by `npm run grammar`; a test fails when it is stale.',
    'Every op not marked internal can be called by name from `.bird` code, where it is always in scope.',
    'Parameters of kind `tensor`, `ids`, `sparse` and `tensors` are operands; the rest are compile-time',
    'attributes. Gradient `sparse` means row-sparse gradients for the table (see the TF.js backend).',
    'Reference: how the float64 reference evaluator (`src/ops/reference/`), which the gradient tests and',
    'constant folding use, treats the op.',
    '',
  ];
  for (const [family, title] of Object.entries(familyTitles)) {
    const ops = [...opRegistry.values()].filter((o) => o.family === family);
    if (ops.length === 0) continue;
    lines.push(`## ${title}`, '', '| op | parameters | gradient | reference | what it does |', '| --- | --- | --- | --- | --- |');
    for (const op of ops) {
      const params = op.params
        .map((p) => `\`${p.name}\`: ${p.kind}${p.default === undefined ? '' : ` = ${JSON.stringify(p.default)}`}`)
        .join(', ');
      const flags = [op.stateful ? 'stateful' : '', op.phase ? `${op.phase} only` : ''].filter((f) => f !== '').join(', ');
      lines.push(
        `| \`${op.name}\`${flags ? ` (${flags})` : ''} | ${params || '-'} | ${gradientKind(op)} | ${referenceKind(op.name)} | ${op.doc.replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
