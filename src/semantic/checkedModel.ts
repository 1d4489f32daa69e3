import type * as A from '../syntax/ast.js';
import type { FeatureKind } from './featureKinds.js';
import type { AttrValue } from '../tensor/attrValue.js';
import type { ElabFunction, GraphInput, NamedNode, Origin } from './graph.js';
import type { ModuleInfo } from './moduleInfo.js';

/** One field of a `features` or `labels` declaration, with its kind and transforms resolved. */
export interface FeatureField {
  readonly name: string;
  readonly decl: A.FieldDecl;
  readonly kind: FeatureKind;
  readonly args: Readonly<Record<string, AttrValue>>;
  readonly default: AttrValue;
  readonly transforms: readonly {
    readonly name: string;
    readonly op: string;
    readonly args: Readonly<Record<string, AttrValue>>;
    readonly decl: A.Application;
  }[];
}

export interface FeatureSet {
  readonly name: string;
  readonly role: 'feature' | 'label';
  readonly decl: A.FeaturesDecl | A.LabelsDecl;
  readonly module: ModuleInfo;
  readonly fields: readonly FeatureField[];
}

export interface TrainSpec {
  /** Every setting but `loss` and `metrics`, as compile-time values. */
  readonly settings: Readonly<Record<string, AttrValue>>;
  readonly loss: NamedNode | null;
  readonly metrics: readonly NamedNode[];
  readonly origin: Origin;
}

export interface SignatureSpec {
  readonly name: string;
  readonly version: string;
  /** Feature names the caller sends (all of the set for `inputs f`). */
  readonly inputs: readonly { readonly name: string; readonly alias: string }[];
  readonly outputs: readonly { readonly name: string; readonly alias: string }[];
  readonly decl: A.SignatureDecl;
}

/** A model after elaboration: every block call expanded into a function instance. */
export interface CheckedModel {
  readonly name: string;
  readonly decl: A.ModelDecl;
  readonly module: ModuleInfo;
  readonly features: FeatureSet;
  readonly labels: FeatureSet | null;
  /** Block instances, each after the ones it calls. */
  readonly functions: readonly ElabFunction[];
  /** The model body, then the train section's loss and metrics. */
  readonly main: ElabFunction;
  readonly inputs: readonly GraphInput[];
  readonly outputs: readonly NamedNode[];
  readonly train: TrainSpec | null;
  readonly signatures: readonly SignatureSpec[];
  readonly usedFeatures: ReadonlySet<string>;
}
