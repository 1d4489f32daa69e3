import { fieldColumns } from '../semantic/featureKinds.js';
import type { FieldSpec } from './decodeField.js';

/**
 * The raw columns a feature reads, each as a one-column feature of its own: the feature
 * itself, or for a feature group (`continuous(columns: [...])`) one `continuous` per column,
 * named by the column, with the group's default. This is how a data file's row, a served
 * request and a client's row all hold a group: its columns by name, side by side.
 */
export function columnSpecs(spec: FieldSpec): FieldSpec[] {
  if (spec.args['columns'] === undefined) return [spec];
  return fieldColumns(spec.name, spec.args).map((name) => ({ name, kind: spec.kind, args: {}, default: spec.default }));
}
