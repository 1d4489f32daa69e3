import { signatureInputs } from '../backends/onnx/exportSignatures.js';
import type { IrGraph } from '../ir/ir.js';
import { checkVectors, manifestFeature, signatureFiles } from './assembleArtifact.js';
import { describeHashFunction, type HashFunctions } from './hashFunctionSpec.js';
import type { ArtifactManifest } from './manifest.js';
import type { GoldenVectors } from './vectors.js';

/** Key order aside, whether two JSON values are equal. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * Where the manifest disagrees with the files it describes: every field a client reads
 * that can be derived again from `ir.json` (the model's name, the feature spec with its
 * fitted statistics, each signature's version, file and inputs with their defaults and
 * out-of-graph steps, the outputs' names), the golden vectors' fit to the signatures, and
 * with `hash` the feature hash's seed and vectors. Returns the first difference found.
 * What nothing else holds (training metrics, data fingerprint) only the digest covers.
 */
export function consistencyProblem(
  manifest: ArtifactManifest,
  ir: IrGraph,
  vectors: GoldenVectors,
  hash?: HashFunctions,
): string | undefined {
  if (manifest.name !== ir.model) return `it names model \`${manifest.name}\`, ir.json model \`${ir.model}\``;
  if (manifest.irVersion !== ir.version) return `it says IR version ${manifest.irVersion}, ir.json is version ${ir.version}`;
  for (const [field, role] of [
    ['features', 'feature'],
    ['labels', 'label'],
  ] as const) {
    const expected = ir.features.filter((f) => f.role === role).map(manifestFeature);
    const actual = manifest[field];
    if (actual.length !== expected.length) return `\`${field}\` lists ${actual.length}, ir.json ${expected.length}`;
    for (let i = 0; i < expected.length; i++)
      if (!sameJson(actual[i], expected[i]))
        return `\`${field}[${i}]\` (\`${actual[i]!.name}\`) differs from ir.json's ${role} \`${expected[i]!.name}\``;
  }
  const files = signatureFiles(manifest.signatures.map((s) => s.name));
  for (const [k, s] of manifest.signatures.entries()) {
    const declared = ir.signatures.find((d) => d.name === s.name);
    if (!declared) return `signature \`${s.name}\` is not declared in ir.json`;
    if (declared.version !== s.version) return `signature \`${s.name}\` is version ${s.version}, ir.json declares ${declared.version}`;
    if (s.file !== files[k]) return `signature \`${s.name}\` names file \`${s.file}\`, which export names \`${files[k]}\``;
    let inputs: unknown;
    try {
      inputs = signatureInputs(ir, declared);
    } catch (error) {
      return `ir.json cannot give signature \`${s.name}\`'s inputs: ${(error as Error).message}`;
    }
    if (!sameJson(s.inputs, inputs)) {
      const expected = inputs as typeof s.inputs;
      const at = s.inputs.findIndex((x, i) => !sameJson(x, expected[i]));
      const which = at >= 0 ? `input \`${s.inputs[at]!.name}\`` : 'the list of inputs';
      return `signature \`${s.name}\`: ${which} differs from what ir.json gives (${at >= 0 && expected[at] ? JSON.stringify(expected[at]) : `${expected.length} inputs`})`;
    }
    const outputs = declared.outputs.map((o) => ({ name: o.alias, output: o.name }));
    if (
      !sameJson(
        s.outputs.map((o) => ({ name: o.name, output: o.output })),
        outputs,
      )
    )
      return `signature \`${s.name}\`'s outputs differ from ir.json's (${outputs.map((o) => `\`${o.name}\``).join(', ')})`;
  }
  if (hash && !sameJson(manifest.hash, describeHashFunction(hash)))
    return `\`hash\` is not the feature hash this version of bird computes (seed ${hash.seed}, murmur3_x86_32 of UTF-8)`;
  try {
    checkVectors(vectors, manifest.signatures);
  } catch (error) {
    return `vectors.json does not fit the signatures: ${(error as Error).message}`;
  }
  return undefined;
}
