import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from '../backends/tfjs/loadTf.js';
import type { AttrValue } from '../tensor/attrValue.js';

/** The optimizer named in the train section, applied to TF.js variables. */
export class DenseOptimizer {
  private readonly slots = new Map<tfTypes.Variable, tfTypes.Variable[]>();
  readonly name: string;
  readonly args: Readonly<Record<string, AttrValue>>;

  constructor(
    private readonly tf: Tf,
    setting: AttrValue | undefined,
  ) {
    const s = (setting ?? { fn: 'adam', args: {} }) as { fn: string; args: Record<string, AttrValue> };
    this.name = s.fn;
    this.args = s.args;
  }

  get baseRate(): number {
    return Number(this.args['lr'] ?? (this.name === 'sgd' ? 0.01 : 1e-3));
  }

  /** The slot values of a variable (Adam's moments, momentum, Adagrad's sums), for checkpoints. */
  slotValues(v: tfTypes.Variable): Float32Array[] {
    return (this.slots.get(v) ?? []).map((s) => s.dataSync() as Float32Array);
  }

  restoreSlots(v: tfTypes.Variable, values: readonly Float32Array[]): void {
    if (values.length === 0) return;
    this.slots.set(
      v,
      values.map((x) => this.tf.variable(this.tf.tensor(x, v.shape), false)),
    );
  }

  private slot(v: tfTypes.Variable, count: number, fill = 0): tfTypes.Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      s = Array.from({ length: count }, () => this.tf.variable(this.tf.fill(v.shape, fill), false));
      this.slots.set(v, s);
    }
    return s;
  }

  /** One update of `variables` by `grads` at learning rate `lr`; `step` counts from 1. */
  apply(variables: readonly tfTypes.Variable[], grads: readonly tfTypes.Tensor[], lr: number, step: number, weightDecay = 0): void {
    const tf = this.tf;
    tf.tidy(() => {
      variables.forEach((v, i) => {
        let g = grads[i]!;
        if (weightDecay > 0) g = tf.add(g, tf.mul(v, weightDecay));
        switch (this.name) {
          case 'sgd':
            v.assign(tf.sub(v, tf.mul(g, lr)));
            break;
          case 'momentum': {
            const [m] = this.slot(v, 1);
            const mu = Number(this.args['momentum'] ?? 0.9);
            m!.assign(tf.add(tf.mul(m!, mu), g));
            const direction = this.args['nesterov'] === true ? tf.add(g, tf.mul(m!, mu)) : m!;
            v.assign(tf.sub(v, tf.mul(direction, lr)));
            break;
          }
          case 'adagrad': {
            const [acc] = this.slot(v, 1, Number(this.args['initial_accumulator'] ?? 0.1));
            acc!.assign(tf.add(acc!, tf.square(g)));
            v.assign(tf.sub(v, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(acc!), 1e-7))));
            break;
          }
          default: {
            const [m, s] = this.slot(v, 2);
            const b1 = Number(this.args['beta1'] ?? 0.9);
            const b2 = Number(this.args['beta2'] ?? 0.999);
            const eps = Number(this.args['eps'] ?? 1e-7);
            m!.assign(tf.add(tf.mul(m!, b1), tf.mul(g, 1 - b1)));
            s!.assign(tf.add(tf.mul(s!, b2), tf.mul(tf.square(g), 1 - b2)));
            const rate = (lr * Math.sqrt(1 - b2 ** step)) / (1 - b1 ** step);
            v.assign(tf.sub(v, tf.div(tf.mul(m!, rate), tf.add(tf.sqrt(s!), eps))));
          }
        }
      });
    });
  }
}
