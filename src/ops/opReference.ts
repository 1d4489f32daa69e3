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

/** `docs/ops.md`: every op of the registry with its parameters, gradient and doc line. */
export function opReference(): string {
  const lines = [
    '# Primitive ops',
    '',
    'Generated from the op registry (`src/ops/`) by `npm run grammar`; a test fails when it is stale.',
    'Every op not marked internal can be called by name from `.bird` code, where it is always in scope.',
    'Parameters of kind `tensor`, `ids`, `sparse` and `tensors` are operands; the rest are compile-time',
    'attributes. Gradient `sparse` means row-sparse gradients for the table (see the TF.js backend).',
    '',
  ];
  for (const [family, title] of Object.entries(familyTitles)) {
    const ops = [...opRegistry.values()].filter((o) => o.family === family);
    if (ops.length === 0) continue;
    lines.push(`## ${title}`, '', '| op | parameters | gradient | what it does |', '| --- | --- | --- | --- |');
    for (const op of ops) {
      const params = op.params
        .map((p) => `\`${p.name}\`: ${p.kind}${p.default === undefined ? '' : ` = ${JSON.stringify(p.default)}`}`)
        .join(', ');
      const flags = [op.stateful ? 'stateful' : '', op.phase ? `${op.phase} only` : ''].filter((f) => f !== '').join(', ');
      lines.push(
        `| \`${op.name}\`${flags ? ` (${flags})` : ''} | ${params || '-'} | ${gradientKind(op)} | ${op.doc.replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
