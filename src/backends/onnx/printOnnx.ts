import { onnx, type OnnxTypes } from './onnxProto.js';

const elemNames: Readonly<Record<number, string>> = { 1: 'float32', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 11: 'float64' };
const utf8 = new TextDecoder();

function typeText(t: OnnxTypes.ITypeProto | null | undefined): string {
  const tensor = t?.tensorType;
  if (!tensor) return '?';
  const dims = (tensor.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : String(d.dimValue ?? '?')));
  return `${elemNames[tensor.elemType ?? 0] ?? `type${tensor.elemType}`}[${dims.join(', ')}]`;
}

function attrText(a: OnnxTypes.IAttributeProto): string {
  const T = onnx.AttributeProto.AttributeType;
  const list = <V>(vs: readonly V[] | null | undefined, f: (v: V) => string): string => {
    const all = vs ?? [];
    return `[${all.slice(0, 8).map(f).join(', ')}${all.length > 8 ? `, ... ${all.length} in all` : ''}]`;
  };
  switch (a.type) {
    case T.INT:
      return `${a.name}=${String(a.i)}`;
    case T.FLOAT:
      return `${a.name}=${String(a.f)}`;
    case T.STRING:
      return `${a.name}=${JSON.stringify(utf8.decode(a.s ?? new Uint8Array()))}`;
    case T.INTS:
      return `${a.name}=${list(a.ints, String)}`;
    case T.FLOATS:
      return `${a.name}=${list(a.floats, String)}`;
    case T.STRINGS:
      return `${a.name}=${list(a.strings, (s) => JSON.stringify(utf8.decode(s)))}`;
    default:
      return `${a.name}=<${String(a.type)}>`;
  }
}

/**
 * A readable, stable dump of a serialized ModelProto for golden tests: header (IR
 * version, opsets, metadata), inputs, outputs, initializers with shapes (not values),
 * then one line per node, `outputs = Op(inputs) {attributes}`.
 */
export function printOnnx(bytes: Uint8Array): string {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const lines = [
    `onnx ir ${String(m.irVersion)} ${m.opsetImport.map((o) => `${o.domain || 'ai.onnx'}:${String(o.version)}`).join(' ')} producer ${m.producerName}`,
    ...m.metadataProps.map((p) => `meta ${p.key} = ${p.value}`),
    `graph ${g?.name ?? ''}`,
    ...(g?.input ?? []).map((i) => `input ${i.name}: ${typeText(i.type)}`),
    ...(g?.output ?? []).map((o) => `output ${o.name}: ${typeText(o.type)}`),
    ...(g?.initializer ?? []).map((t) => `init ${t.name}: ${elemNames[t.dataType ?? 0] ?? '?'}[${(t.dims ?? []).map(String).join(', ')}]`),
    ...(g?.node ?? []).map((n) => {
      const op = n.domain ? `${n.domain}.${n.opType}` : n.opType;
      const attrs = (n.attribute ?? []).map(attrText);
      return `${(n.output ?? []).join(', ')} = ${op}(${(n.input ?? []).join(', ')})${attrs.length > 0 ? ` {${attrs.join(', ')}}` : ''}`;
    }),
  ];
  return lines.join('\n') + '\n';
}
