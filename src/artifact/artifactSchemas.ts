import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../source/packageRoot.js';

/**
 * The published JSON Schemas of `manifest.json` and `ir.json` (docs/*.schema.json, shipped
 * in the package), compiled once on first use. Loading checks both files against them, so
 * a manifest or IR that a reader could not trust (a bogus graph with its hash updated) is
 * refused before any of it is used, rather than failing later on a missing field.
 */
const validators = new Map<string, ValidateFunction>();

export type SchemaName = 'manifest' | 'ir';

function validator(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'docs', `${name}.schema.json`), 'utf8')) as object;
    v = new Ajv2020({ allErrors: false, strict: true }).compile(schema);
    validators.set(name, v);
  }
  return v;
}

/** Why `value` does not match the schema (the first problem, with its JSON pointer), or undefined when it does. */
export function schemaProblem(name: SchemaName, value: unknown): string | undefined {
  const validate = validator(name);
  if (validate(value)) return undefined;
  const e = validate.errors?.[0];
  if (!e) return 'it does not match its schema';
  const where = e.instancePath === '' ? 'the document' : `\`${e.instancePath}\``;
  const params =
    e.keyword === 'additionalProperties'
      ? ` (\`${String((e.params as { additionalProperty?: string }).additionalProperty)}\`)`
      : e.keyword === 'enum' || e.keyword === 'const'
        ? ` (${JSON.stringify(e.params)})`
        : '';
  return `${where} ${e.message ?? 'is invalid'}${params}`;
}
