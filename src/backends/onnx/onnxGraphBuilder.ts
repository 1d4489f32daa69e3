import { onnx, type OnnxTypes } from './onnxProto.js';

/** ONNX element types the backend uses, by their TensorProto.DataType numbers. */
export const elemType = { float32: 1, int64: 7, string: 8, bool: 9 } as const;
export type ElemTypeName = keyof typeof elemType;

/** A node attribute, tagged so the protobuf field is chosen without guessing from the value. */
export type OnnxAttr =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] };

export const intAttr = (value: number): OnnxAttr => ({ kind: 'int', value });
export const floatAttr = (value: number): OnnxAttr => ({ kind: 'float', value });
export const stringAttr = (value: string): OnnxAttr => ({ kind: 'string', value });
export const intsAttr = (value: readonly number[]): OnnxAttr => ({ kind: 'ints', value });
export const stringsAttr = (value: readonly string[]): OnnxAttr => ({ kind: 'strings', value });

const utf8 = new TextEncoder();
const { AttributeType } = onnx.AttributeProto;

function attributeProto(name: string, a: OnnxAttr): OnnxTypes.IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(a.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
  }
}

/** A tensor type with named symbolic dimensions, as graph inputs and outputs declare it. */
export function valueInfo(name: string, type: ElemTypeName, shape: readonly (number | string)[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elemType[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * Builds one ONNX graph: nodes in topological order (the order they are added),
 * initializers, inputs and outputs. Value names come from the IR node being emitted
 * (`n25`, `n25_1`, ...) so a dump reads against the IR; constants are named by their
 * content and shared.
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private prefix = 'v';
  private count = 0;
  private docs = '';
  /** Whether a node of the `ai.onnx.ml` domain was added. */
  usesMl = false;

  /** Names the values made from now on after IR node `id`; `doc` goes on each node as its IR origin. */
  startNode(id: number | string, doc = ''): void {
    this.prefix = typeof id === 'number' ? `n${id}` : id;
    this.count = 0;
    this.docs = doc;
  }

  private fresh(): string {
    const name = this.count === 0 ? this.prefix : `${this.prefix}_${this.count}`;
    this.count++;
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, OnnxAttr>> = {}, domain = ''): string {
    const out = this.fresh();
    if (domain !== '') this.usesMl = true;
    this.nodes.push({
      name: out,
      opType,
      domain,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
      ...(this.docs ? { docString: this.docs } : {}),
    });
    return out;
  }

  /** A node writing to a given name (graph outputs). */
  opTo(opType: string, inputs: readonly string[], output: string): void {
    this.nodes.push({ name: output, opType, domain: '', input: [...inputs], output: [output], attribute: [] });
  }

  /** A float32 initializer holding `values` (little-endian raw data). */
  floatInitializer(name: string, dims: readonly number[], values: Float32Array): string {
    if (this.initializerNames.has(name)) return name;
    const bytes = new Uint8Array(values.byteLength);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.addInitializer({ name, dataType: elemType.float32, dims: [...dims], rawData: bytes });
    return name;
  }

  private addInitializer(t: OnnxTypes.ITensorProto): void {
    this.initializerNames.add(t.name!);
    this.initializers.push(t);
  }

  /** A shared constant, named by dtype and content; scalars when `dims` is empty. */
  constant(type: ElemTypeName, dims: readonly number[], values: readonly (number | string | boolean)[]): string {
    const shown =
      values.length <= 8
        ? values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(',')
        : `${values.length} values#${this.initializers.length}`;
    const name = `${type}[${dims.join(',')}]{${shown}}`;
    if (this.initializerNames.has(name)) return name;
    const base = { name, dims: [...dims] };
    switch (type) {
      case 'float32':
        return this.floatInitializer(name, dims, Float32Array.from(values as number[]));
      case 'int64':
        this.addInitializer({ ...base, dataType: elemType.int64, int64Data: values.map(Number) });
        return name;
      case 'bool':
        this.addInitializer({ ...base, dataType: elemType.bool, int32Data: values.map((v) => (v ? 1 : 0)) });
        return name;
      case 'string':
        this.addInitializer({ ...base, dataType: elemType.string, stringData: values.map((v) => utf8.encode(String(v))) });
        return name;
    }
  }

  f32(v: number): string {
    return this.constant('float32', [], [v]);
  }

  i64(v: number): string {
    return this.constant('int64', [], [v]);
  }

  /** An int64 vector: axes, shapes, slice bounds. */
  i64s(vs: readonly number[]): string {
    return this.constant('int64', [vs.length], vs);
  }

  addInput(name: string, type: ElemTypeName, shape: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  addOutput(name: string, type: ElemTypeName, shape: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(name, type, shape));
  }

  build(name: string, docString = ''): OnnxTypes.IGraphProto {
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
      ...(docString ? { docString } : {}),
    };
  }
}
