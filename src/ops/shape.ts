import type { AttrValue } from '../tensor/attrValue.js';
import { broadcastShapes, elementCount, normalizeAxis } from '../tensor/shapes.js';
import { formatShape, tensor, type Dim, type TensorType } from '../tensor/types.js';
import { NoGradient, range, reshapeTarget, unbroadcast, type GradValue, type Vjp } from './vjp.js';
import { dense, ok, shapeError, tensorParam, typeError, type OpDefinition } from './opSchema.js';

/** A slice of one axis, `[start, stop, step]` with null for an omitted bound. */
type SliceSpec = readonly [number | null, number | null, number];

function sliceDim(d: Dim, [start, stop, step]: SliceSpec): { dim: Dim } | { error: string } {
  if (typeof d !== 'number') {
    // A symbolic axis (the batch) can be taken whole, but not cut at compile time.
    return start === null && stop === null && step === 1 ? { dim: d } : { error: 'cannot slice the symbolic dimension' };
  }
  const norm = (i: number | null, fallback: number): number => (i === null ? fallback : i < 0 ? Math.max(0, i + d) : Math.min(i, d));
  if (step <= 0) return { error: 'slices step forward (step >= 1)' };
  return { dim: Math.max(0, Math.ceil((norm(stop, d) - norm(start, 0)) / step)) };
}

/**
 * The gradient of a slice: `g` put back where the slice came from, zeros elsewhere. Axes
 * an index dropped are re-inserted, then each cut axis is padded with zeros (built by
 * `broadcast_to` from slices of `x`, so nothing is computed from `x`'s values).
 */
const sliceVjp: Vjp = (b, n, g) => {
  const x = n.inputs[0]!;
  const shape = b.type(x).shape;
  const spec = (n.attrs['spec'] as readonly AttrValue[]).map((e): SliceSpec =>
    typeof e === 'number' ? [e, e + 1 === 0 ? null : e + 1, 1] : (e as unknown as SliceSpec),
  );
  let cur = g;
  (n.attrs['spec'] as readonly AttrValue[]).forEach((e, axis) => {
    if (typeof e === 'number') cur = b.op('expand_dims', [cur], { axis });
  });
  const whole: SliceSpec = [null, null, 1];
  spec.forEach(([start, stop, step], axis) => {
    const d = shape[axis];
    if (typeof d !== 'number' || (start === null && stop === null && step === 1)) return;
    const norm = (i: number | null, fallback: number): number => (i === null ? fallback : i < 0 ? Math.max(0, i + d) : Math.min(i, d));
    const from = norm(start, 0);
    let to = Math.max(from, norm(stop, d));
    if (step > 1) {
      // Each taken element followed by step - 1 zeros, then cut to the span the slice read.
      const kept = b.type(cur).shape;
      if (kept.slice(axis + 1).some((k) => typeof k !== 'number'))
        throw new NoGradient('a strided slice before a symbolic dimension has no gradient');
      const count = kept[axis] as number;
      const one = b.op('expand_dims', [cur], { axis: axis + 1 });
      const zero = b.op('broadcast_to', [b.scalar(0), one]);
      const spread = b.op('concat', [one, ...Array.from({ length: step - 1 }, () => zero)], { axis: axis + 1 });
      cur = b.op('reshape', [spread], { shape: reshapeTarget([...kept.slice(0, axis), count * step, ...kept.slice(axis + 1)]) });
      to = Math.min(d, from + count * step);
      if (count * step > to - from)
        cur = b.op('slice', [cur], { spec: [...range(axis).map(() => [null, null, 1]), [0, to - from, 1]] as AttrValue[] });
    }
    const zeros = (a: number, z: number): GradValue => {
      const part: AttrValue[] = spec.map((s, i) => (i < axis ? whole : i === axis ? [a, z, 1] : s) as unknown as AttrValue);
      return b.op('broadcast_to', [b.scalar(0), b.op('slice', [x], { spec: part })]);
    };
    const pieces = [...(from > 0 ? [zeros(0, from)] : []), cur, ...(to < d ? [zeros(to, d)] : [])];
    if (pieces.length > 1) cur = b.op('concat', pieces, { axis });
  });
  return [cur];
};

/**
 * `full` and `zeros`: a constant whose shape is read from `like` at run time (only its
 * shape: nothing flows back into `like`), because the batch axis has no size until the
 * graph runs. `full` takes the value; `zeros` is `full` with 0, the common case.
 */
function filled(name: 'full' | 'zeros', doc: string): OpDefinition {
  return {
    name,
    family: 'shape',
    grad: 'none',
    doc,
    params: [
      tensorParam('like'),
      ...(name === 'full' ? [{ name: 'value', kind: 'float' as const }] : []),
      { name: 'shape', kind: 'ints', default: null },
    ],
    infer(input) {
      const like = dense(input, 'like');
      if (!like) return typeError('`like` must be a dense tensor', ['like']);
      const shape = input.attrs['shape'] as number[] | null;
      if (shape === null) return ok(tensor('f32', like.shape));
      if (like.shape.length === 0) return shapeError('with `shape`, `like` needs a first (batch) axis to take', ['like']);
      if (shape.some((d) => !Number.isInteger(d) || d <= 0))
        return shapeError(`every dimension of \`shape\` must be a positive integer, not [${shape.join(', ')}]`, [], 'shape');
      return ok(tensor('f32', [like.shape[0]!, ...shape]));
    },
  };
}

export const shapeOps: readonly OpDefinition[] = [
  {
    name: 'broadcast_to',
    family: 'shape',
    grad: (b, n, g) => [unbroadcast(b, g, n.inputs[0]!), null],
    doc: 'x broadcast to the shape of `like` (NumPy rules; only the shape of `like` is read, so the batch size comes from it at run time)',
    params: [tensorParam('x'), tensorParam('like')],
    infer(input) {
      const x = dense(input, 'x');
      const like = dense(input, 'like');
      if (!x || !like) return typeError('takes dense tensors', ['x', 'like']);
      const shape = broadcastShapes(x.shape, like.shape);
      if (!shape.ok || shape.shape.join() !== like.shape.join())
        return shapeError(`${formatShape(x.shape)} does not broadcast to ${formatShape(like.shape)}`, ['x', 'like']);
      return ok(tensor(x.dtype, like.shape));
    },
  },
  filled('full', "a float tensor of `value` in the shape of `like`, or with `shape`: `like`'s first (batch) axis followed by `shape`"),
  filled('zeros', "a float tensor of zeros in the shape of `like`, or with `shape`: `like`'s first (batch) axis followed by `shape`"),
  {
    name: 'reshape',
    family: 'shape',
    grad: (b, n, g) => [b.op('reshape', [g], { shape: reshapeTarget(b.type(n.inputs[0]!).shape) })],
    doc: 'a new shape with the same elements; one dimension may be -1, and `0` keeps the batch',
    params: [tensorParam('x'), { name: 'shape', kind: 'ints' }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x) return typeError('takes a dense tensor', ['x']);
      const want = input.attrs['shape'] as number[];
      // `0` copies the input's dimension at that position (how the symbolic batch passes through).
      const shape: Dim[] = want.map((d, i) => (d === 0 ? (x.shape[i] ?? 0) : d));
      const known = elementCount(x.shape.filter((d) => typeof d === 'number'));
      const fixed = shape.filter((d): d is number => typeof d === 'number' && d !== -1).reduce((p, q) => p * q, 1);
      const symbolicIn = x.shape.filter((d) => typeof d !== 'number');
      const symbolicOut = shape.filter((d) => typeof d !== 'number');
      if (shape.filter((d) => d === -1).length > 1) return shapeError('at most one dimension may be -1', ['x']);
      if (symbolicIn.join() !== symbolicOut.join())
        return shapeError(
          `symbolic dimensions must pass through unchanged (use 0 to keep one): ${formatShape(x.shape)} to ${formatShape(want)}`,
          ['x'],
        );
      if (known === null) return shapeError('unknown size', ['x']);
      if (shape.includes(-1)) {
        if (known % fixed !== 0) return shapeError(`cannot reshape ${formatShape(x.shape)} to ${formatShape(want)}`, ['x']);
        return ok(
          tensor(
            x.dtype,
            shape.map((d) => (d === -1 ? known / fixed : d)),
          ),
          { shape: shape.map((d) => (typeof d === 'number' ? d : 0)) },
        );
      }
      if (known !== fixed)
        return shapeError(`cannot reshape ${formatShape(x.shape)} (${known} elements per example) to ${formatShape(want)}`, ['x']);
      return ok(tensor(x.dtype, shape), { shape: want });
    },
  },
  {
    name: 'concat',
    family: 'shape',
    grad: (b, n, g) => {
      const axis = Number(n.attrs['axis']);
      let at = 0;
      return n.inputs.map((x) => {
        const width = b.type(x).shape[axis] as number;
        const spec: AttrValue[] = [...range(axis).map(() => [null, null, 1]), [at, at + width, 1]];
        at += width;
        return b.op('slice', [g], { spec });
      });
    },
    doc: 'joins tensors along `axis` (the last by default); other dimensions must agree',
    params: [
      { name: 'xs', kind: 'tensors' },
      { name: 'axis', kind: 'int', default: -1 },
    ],
    infer(input) {
      const xs = (input.operands['xs'] ?? []) as readonly TensorType[];
      if (xs.length === 0) return typeError('needs at least one tensor', ['xs']);
      if (xs.some((x) => x.kind !== 'tensor')) return typeError('takes dense tensors; embed sparse features first', ['xs']);
      const first = xs[0]!;
      const axis = normalizeAxis(input.attrs['axis'] as number, first.shape.length);
      if (axis === null) return shapeError(`axis ${String(input.attrs['axis'])} is out of range for rank ${first.shape.length}`, ['xs']);
      let total = 0;
      for (const x of xs) {
        if (x.dtype !== first.dtype)
          return typeError(`all tensors must have one dtype; found \`${first.dtype}\` and \`${x.dtype}\``, ['xs']);
        if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
          return shapeError(`shapes ${xs.map((t) => formatShape(t.shape)).join(', ')} differ outside axis ${axis}`, ['xs']);
        }
        const d = x.shape[axis]!;
        if (typeof d !== 'number') return shapeError('cannot concatenate along a symbolic dimension', ['xs']);
        total += d;
      }
      return ok(
        tensor(
          first.dtype,
          first.shape.map((d, i) => (i === axis ? total : d)),
        ),
        { axis },
      );
    },
  },
  {
    name: 'slice',
    family: 'shape',
    grad: sliceVjp,
    doc: 'indexing `x[i]` and slicing `x[a:b:c]`, one entry per leading axis; an index drops its axis',
    params: [tensorParam('x'), { name: 'spec', kind: 'any' }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x) return typeError('takes a dense tensor', ['x']);
      const spec = input.attrs['spec'] as readonly AttrValue[];
      if (spec.length > x.shape.length) return shapeError(`${spec.length} indices for a tensor of rank ${x.shape.length}`, ['x']);
      const shape: Dim[] = [];
      for (let i = 0; i < x.shape.length; i++) {
        const s = spec[i];
        const d = x.shape[i]!;
        if (s === undefined) shape.push(d);
        else if (typeof s === 'number') {
          if (typeof d === 'number' && (s >= d || s < -d))
            return shapeError(`index ${s} is out of range for axis ${i} of size ${d}`, ['x']);
          if (typeof d !== 'number') return shapeError('cannot index the symbolic dimension', ['x']);
        } else {
          const r = sliceDim(d, s as unknown as SliceSpec);
          if ('error' in r) return shapeError(r.error, ['x']);
          shape.push(r.dim);
        }
      }
      return ok(tensor(x.dtype, shape));
    },
  },
  {
    name: 'transpose',
    family: 'shape',
    grad: (b, n, g) => {
      const perm = n.attrs['perm'] as number[];
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return [b.op('transpose', [g], { perm: inverse })];
    },
    doc: 'permutes axes by `perm` (reverses them by default)',
    params: [tensorParam('x'), { name: 'perm', kind: 'ints', default: null }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x) return typeError('takes a dense tensor', ['x']);
      const perm = (input.attrs['perm'] as number[] | null) ?? x.shape.map((_, i) => x.shape.length - 1 - i);
      if ([...perm].sort().join() !== x.shape.map((_, i) => i).join())
        return shapeError(`\`perm\` ${formatShape(perm)} is not a permutation of the ${x.shape.length} axes`, ['x']);
      return ok(
        tensor(
          x.dtype,
          perm.map((p) => x.shape[p]!),
        ),
        { perm },
      );
    },
  },
  {
    name: 'expand_dims',
    family: 'shape',
    grad: (b, n, g) => [b.op('squeeze', [g], { axis: Number(n.attrs['axis']) })],
    doc: 'inserts an axis of size 1 at `axis`',
    params: [tensorParam('x'), { name: 'axis', kind: 'int', default: -1 }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x) return typeError('takes a dense tensor', ['x']);
      const axis = normalizeAxis(input.attrs['axis'] as number, x.shape.length + 1);
      if (axis === null) return shapeError(`axis ${String(input.attrs['axis'])} is out of range`, ['x']);
      const shape = [...x.shape];
      shape.splice(axis, 0, 1);
      return ok(tensor(x.dtype, shape, x.vocab), { axis });
    },
  },
  {
    name: 'squeeze',
    family: 'shape',
    grad: (b, n, g) => [b.op('expand_dims', [g], { axis: Number(n.attrs['axis']) })],
    doc: 'removes the axis `axis` of size 1',
    params: [tensorParam('x'), { name: 'axis', kind: 'int', default: -1 }],
    infer(input) {
      const x = dense(input, 'x');
      if (!x) return typeError('takes a dense tensor', ['x']);
      const axis = normalizeAxis(input.attrs['axis'] as number, x.shape.length);
      if (axis === null) return shapeError(`axis ${String(input.attrs['axis'])} is out of range`, ['x']);
      if (x.shape[axis] !== 1) return shapeError(`axis ${axis} has size ${String(x.shape[axis])}, not 1`, ['x']);
      return ok(
        tensor(
          x.dtype,
          x.shape.filter((_, i) => i !== axis),
          x.vocab,
        ),
        { axis },
      );
    },
  },
];
