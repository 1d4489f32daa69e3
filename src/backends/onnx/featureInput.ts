import type { IrFeature, IrGraph } from '../../ir/ir.js';
import { transformChain } from '../../ir/transformChain.js';
import { stopwordsOf } from '../../ops/textTokens.js';
import type { AttrValue } from '../../tensor/attrValue.js';
import type { SignatureInput } from './exportedSignature.js';
import { OnnxExportError } from './onnxExportError.js';
import { onnxElemType, outOfGraphOps } from './onnxEmitters.js';
import { intAttr } from './onnxGraphBuilder.js';
import { onnxDim, type Entry } from './lowerToOnnx.js';

/** The bits of the hash a client computes for out-of-vocabulary buckets (`vocab(oov: k)` with k > 1), as the data stage does. */
export const vocabHashBits = 30;

/** One feature as a signature takes it: the graph inputs, the node they stand for, and what the vocabulary lookup needs. */
export interface FeatureInput {
  readonly inputs: readonly SignatureInput[];
  readonly node: number;
  readonly entry: Entry;
  readonly vocab: readonly { readonly node: number; readonly missingId: number; readonly hashInput: string | null }[];
}

/** The id a value gets from a fitted vocabulary when it is known, 0 when empty; null when it needs the hash. */
function knownVocabId(value: string, vocabulary: readonly AttrValue[], oov: number): number | null {
  if (value === '') return 0;
  let at = -1;
  vocabulary.forEach((v, i) => {
    if (String(v) === value) at = i;
  });
  if (at >= 0) return 1 + oov + at;
  return oov === 1 ? 1 : null;
}

/**
 * The client steps of a feature: its transforms up to the cut, with their arguments; a
 * named stopword list (`stopwords: "english"`) is written out as its words, so that a
 * client needs no list of its own.
 */
const steps = (f: IrFeature, upto: number): SignatureInput['outOfGraph'] =>
  f.transforms.slice(0, upto).map((t) => {
    const args: Record<string, unknown> = Object.fromEntries(Object.entries(t.args));
    if (t.op === 'tokenize' && typeof args['stopwords'] === 'string') args['stopwords'] = stopwordsOf(t.args['stopwords']) ?? [];
    return { op: t.op, args };
  });

/**
 * How a feature crosses the signature, decided by the value at the point where the graph
 * takes over (after its last out-of-graph transform, `hash` or `tokens`, else the raw
 * input):
 * - float values arrive as float32 `[batch]` (a scalar feature) or `[batch, ...dim]`; NaN
 *   is missing and becomes the default in the graph;
 * - one integer id (`discrete`, `string |> hash`) as int64 `[batch]`; for `discrete` a
 *   negative id is missing and becomes the default;
 * - token ids (`sequence |> hash`, `text |> tokens |> hash`) as int64 `[batch, max]`, 0
 *   padding; sparse ids as int64 `[batch, <name>.length]`, plus float32 `<name>.weights`
 *   for `sparse_continuous`;
 * - strings (`string`, `sequence`, tokens) as string tensors, `""` missing or padding,
 *   looked up in the graph; with `oov` > 1 a second input `<name>.hash` carries
 *   `hash_bucket(value, 30)` of each string, used only for unknown values.
 */
export function featureInput(graph: IrGraph, f: IrFeature, name: string): FeatureInput {
  const chain = transformChain(graph.nodes, f);
  let cut = -1;
  chain.forEach((id, k) => {
    if (outOfGraphOps.has(graph.nodes[id]!.op)) cut = k;
  });
  const node = cut >= 0 ? chain[cut]! : f.node;
  const type = graph.nodes[node]!.type;
  const outOfGraph = steps(f, cut + 1);
  const group = Array.isArray(f.args['columns']) ? { columns: f.args['columns'].map(String) } : {};
  const base = { feature: f.name, kind: f.kind, outOfGraph };
  const declared = typeof f.default === 'number' || typeof f.default === 'string' ? f.default : null;

  if (type.kind === 'sparse') {
    const shape = [onnxDim('B'), `${name}.length`];
    const ids: SignatureInput = { ...base, name, dtype: 'int64', shape, encoding: 'padded_ids', default: null };
    const weightsName = `${name}.weights`;
    const inputs: SignatureInput[] = type.weighted
      ? [ids, { ...base, outOfGraph: [], name: weightsName, dtype: 'float32', shape, encoding: 'padded_ids', default: null }]
      : [ids];
    const entry: Entry = {
      build(b) {
        const present = b.op('Cast', [b.op('Not', [b.op('Equal', [name, b.i64(0)])])], { to: intAttr(1) });
        // Padding weighs nothing whatever the client put there.
        return { ids: name, weights: type.weighted ? b.op('Mul', [weightsName, present]) : present };
      },
    };
    return { inputs, node, entry, vocab: [] };
  }

  const dtype = onnxElemType(type.dtype);
  const scalar = type.shape.length === 2 && type.shape[1] === 1 && cut < 0 && dtype === 'float32';
  const shape = (scalar ? type.shape.slice(0, 1) : type.shape).map(onnxDim);
  const vocab: FeatureInput['vocab'][number][] = [];
  const inputs: SignatureInput[] = [];

  if (dtype === 'string') {
    inputs.push({ ...base, name, dtype, shape, encoding: 'string', default: declared });
    for (const id of chain.slice(cut + 1)) {
      const n = graph.nodes[id]!;
      if (n.op !== 'vocab_lookup') continue;
      const vocabulary = n.attrs['vocabulary'];
      if (!Array.isArray(vocabulary))
        throw new OnnxExportError(
          `feature \`${f.name}\`: \`vocab\` has no fitted vocabulary; export the IR the data stage fitted`,
          'vocab_lookup',
          n.loc,
        );
      const oov = Number(n.attrs['oov']);
      const missing = cut < 0 && typeof f.default === 'string' ? f.default : '';
      let hashInput: string | null = null;
      if (oov > 1) {
        hashInput = `${name}.hash`;
        inputs.push({
          ...base,
          outOfGraph: [...outOfGraph, { op: 'hash_bucket', args: { bits: vocabHashBits } }],
          name: hashInput,
          dtype: 'int64',
          shape,
          encoding: 'vocab_hash',
          default: declared,
        });
      }
      // An unknown non-empty default with hashed buckets takes the hash the client sends for the missing value (it hashes the default).
      vocab.push({ node: id, missingId: knownVocabId(missing, vocabulary, oov) ?? -1, hashInput });
    }
    return { inputs, node, entry: { build: () => name }, vocab };
  }

  const encoding = dtype === 'int64' && shape.length === 2 ? 'padded_ids' : 'dense';
  inputs.push({ ...base, name, dtype: dtype as SignatureInput['dtype'], shape, encoding, default: declared, ...group });
  const entry: Entry = {
    build(b) {
      let v = name;
      if (typeof declared === 'number' && cut < 0) {
        if (dtype === 'float32') v = b.op('Where', [b.op('IsNaN', [v]), b.f32(declared), v]);
        else if (dtype === 'int64') v = b.op('Where', [b.op('Less', [v, b.i64(0)]), b.i64(declared), v]);
      }
      return scalar ? b.op('Unsqueeze', [v, b.i64s([1])]) : v;
    },
  };
  return { inputs, node, entry, vocab };
}
