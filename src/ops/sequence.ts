import { tensor } from '../tensor/types.js';
import { dense, ok, tensorParam, typeError, type OpDefinition } from './opSchema.js';

export const sequenceOps: readonly OpDefinition[] = [
  {
    name: 'sequence_mask',
    family: 'sequence',
    grad: 'none',
    doc: '1.0 where a token sequence holds a token, 0.0 at padding (id 0)',
    params: [tensorParam('ids')],
    infer(input) {
      const ids = dense(input, 'ids');
      if (!ids || (ids.dtype !== 'i32' && ids.dtype !== 'i64') || ids.shape.length !== 2)
        return typeError('takes token ids `i32[B, L]`', ['ids']);
      return ok(tensor('f32', ids.shape));
    },
  },
];
