import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from './loadTf.js';

/** Fan-in and fan-out as Keras computes them: the last axis is out, the rest in. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  const out = shape[shape.length - 1]!;
  return [shape.slice(0, -1).reduce((p, q) => p * q, 1), out];
}

/** A parameter's starting value by its `init`, reproducible for a given seed. */
export function initialValue(tf: Tf, shape: readonly number[], init: string, std: number, seed: number): tfTypes.Tensor {
  const [fanIn, fanOut] = fans(shape);
  switch (init) {
    case 'zeros':
      return tf.zeros(shape as number[]);
    case 'ones':
      return tf.ones(shape as number[]);
    case 'glorot_uniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape as number[], -limit, limit, 'float32', seed);
    }
    case 'glorot_normal':
      return tf.truncatedNormal(shape as number[], 0, Math.sqrt(2 / (fanIn + fanOut)), 'float32', seed);
    case 'he_uniform': {
      const limit = Math.sqrt(6 / fanIn);
      return tf.randomUniform(shape as number[], -limit, limit, 'float32', seed);
    }
    case 'he_normal':
      return tf.truncatedNormal(shape as number[], 0, Math.sqrt(2 / fanIn), 'float32', seed);
    case 'uniform':
      return tf.randomUniform(shape as number[], -std, std, 'float32', seed);
    default:
      return tf.randomNormal(shape as number[], 0, std, 'float32', seed);
  }
}
