import type * as A from '../../syntax/ast.js';
import type { FeatureSet } from '../checkedModel.js';
import type { Env } from '../env.js';
import type { ModuleInfo } from '../moduleInfo.js';
import type { TensorValue, Value } from '../values.js';
import { ElabContext, type OnOut } from './context.js';
import { evalExpr } from './expressions.js';
import { featureInputs, featureSet } from './featureSets.js';
import { constValue } from './names.js';
import { evalNamed, execBody } from './statements.js';

/**
 * The compile-time interpreter. It runs model and block bodies with real numbers, lists
 * and booleans, so loops, conditions and list arithmetic are gone afterwards, and emits a
 * typed node for every tensor operation. Each block call with a tensor result becomes an
 * instance function (memoized by its compile-time arguments and input types) and a `call`
 * node, which the IR's inline pass later expands.
 *
 * The work is done by the files beside this one, each a set of functions of the shared
 * `ElabContext`; this class only ties expressions and statements into it.
 */
export class Elaborator extends ElabContext {
  eval(expr: A.Expr, env: Env): Value {
    return evalExpr(this, expr, env);
  }

  execBody(body: A.Body, env: Env, onOut?: OnOut): void {
    execBody(this, body, env, onOut);
  }

  /** Evaluates with `name` as the assignment target, which names any parameter created. */
  evalNamed(name: string, expr: A.Expr, env: Env): Value {
    return evalNamed(this, name, expr, env);
  }

  /** A module constant's value, evaluated once. */
  constValue(decl: A.ConstDecl, module: ModuleInfo): Value {
    return constValue(this, decl, module);
  }

  /** Resolves a `features` or `labels` declaration. */
  featureSet(decl: A.FeaturesDecl | A.LabelsDecl, module: ModuleInfo): FeatureSet {
    return featureSet(this, decl, module);
  }

  /** Input nodes for every field of a set, each followed by its transforms. */
  inputs(set: FeatureSet): Map<string, TensorValue | null> {
    return featureInputs(this, set);
  }
}
