import { formatType, tensor } from '../tensor/types.js';
import { dense, ok, operand, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const sparseOps: readonly OpDefinition[] = [
  {
    name: 'embedding_lookup',
    family: 'sparse',
    grad: 'sparse',
    doc: 'rows of `table` for each id, combined per example by `combiner` (`mean` or `sum`, weighted by values for weighted sparse ids) or kept apart (`none`, for token sequences); the table gets row-sparse gradients',
    params: [{ name: 'ids', kind: 'ids' }, tensorParam('table'), { name: 'combiner', kind: 'string', default: 'mean' }],
    infer(input) {
      const ids = operand(input, 'ids');
      const table = dense(input, 'table');
      if (!table || table.dtype !== 'f32' || table.shape.length !== 2)
        return typeError('`table` must be an `f32[V, D]` parameter', ['table']);
      const combiner = input.attrs['combiner'];
      if (combiner !== 'mean' && combiner !== 'sum' && combiner !== 'none')
        return typeError(`\`combiner\` is \`mean\`, \`sum\` or \`none\`, not \`${String(combiner)}\``, [], 'combiner');
      const [rows, width] = table.shape as [number, number];
      if (ids?.kind === 'sparse') {
        if (ids.keys === 'string') return typeError('these sparse keys are strings; `hash` them first', ['ids']);
        if (ids.vocab !== rows) return shapeError(`ids lie in [0, ${ids.vocab}) but the table has ${rows} rows`, ['ids', 'table']);
        if (combiner === 'none') return typeError('sparse ids are always combined: use `mean` or `sum`', [], 'combiner');
        return ok(tensor('f32', ['B', width]));
      }
      if (!ids || (ids.dtype !== 'i32' && ids.dtype !== 'i64'))
        return typeError(
          `takes integer or sparse ids, not \`${ids ? formatType(ids) : '?'}\`; a string feature needs \`hash\` or \`vocab\``,
          ['ids'],
        );
      if (ids.vocab !== undefined && ids.vocab !== rows)
        return shapeError(`ids lie in [0, ${ids.vocab}) but the table has ${rows} rows`, ['ids', 'table']);
      if (combiner === 'none') return ok(tensor('f32', [...ids.shape, width]));
      if (ids.shape.length === 1) return ok(tensor('f32', [ids.shape[0]!, width]));
      if (ids.shape.length === 2) return ok(tensor('f32', [ids.shape[0]!, width]));
      return shapeError('ids must be `[B]` (one id per example) or `[B, L]` (a bag of L ids)', ['ids']);
    },
  },
];
