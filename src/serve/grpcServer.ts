import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { parse } from 'semver';
import { packageRoot } from '../source/packageRoot.js';
import { columnsFromTensors, flatValues, type RequestTensor } from './featureTensors.js';
import type { ModelRepository } from './modelRepository.js';
import type { Predictor } from './predictor.js';
import { ServeError } from './serveError.js';
import type { Servable } from './servable.js';
import { signatureMetadata } from './signatureMetadata.js';
import type { RowsOutput } from './signatureRunner.js';

/** Where Bird's TF Serving .proto files are: `protos/` of the package. */
export const protoRoot = join(packageRoot(), 'protos');

/** How the server and the tests load the protos: field names as written, int64 as strings, enums by name. */
export const protoLoaderOptions: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

export function loadPredictionService(): grpc.ServiceClientConstructor {
  const definition = grpc.loadPackageDefinition(loadSync('tensorflow_serving/apis/prediction_service.proto', protoLoaderOptions));
  return ((definition['tensorflow'] as grpc.GrpcObject)['serving'] as grpc.GrpcObject)[
    'PredictionService'
  ] as grpc.ServiceClientConstructor;
}

interface ModelSpecMessage {
  readonly name?: string;
  readonly version?: { readonly value?: string | number } | null;
  readonly version_label?: string;
  readonly version_choice?: string;
  readonly signature_name?: string;
}

interface TensorMessage {
  readonly dtype?: string;
  readonly tensor_shape?: { readonly dim?: readonly { readonly size?: string | number }[] } | null;
  readonly tensor_content?: Buffer;
  readonly float_val?: readonly number[];
  readonly double_val?: readonly number[];
  readonly int_val?: readonly number[];
  readonly int64_val?: readonly (string | number)[];
  readonly string_val?: readonly Buffer[];
  readonly bool_val?: readonly boolean[];
}

/** A packed `tensor_content`'s values, little-endian as TensorFlow writes them. */
function contentValues(dtype: string, content: Buffer, field: string): unknown[] {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const read: Record<string, [number, (at: number) => unknown]> = {
    DT_FLOAT: [4, (at) => view.getFloat32(at, true)],
    DT_DOUBLE: [8, (at) => view.getFloat64(at, true)],
    DT_INT32: [4, (at) => view.getInt32(at, true)],
    DT_INT64: [8, (at) => Number(view.getBigInt64(at, true))],
    DT_BOOL: [1, (at) => view.getUint8(at) !== 0],
  };
  const r = read[dtype];
  if (!r)
    throw new ServeError(
      'invalid',
      `${field} has dtype ${dtype} in tensor_content; Bird reads DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 and DT_BOOL there, and DT_STRING from string_val`,
      field,
    );
  if (content.byteLength % r[0] !== 0)
    throw new ServeError('invalid', `${field}.tensor_content is ${content.byteLength} bytes, not a whole number of ${dtype} values`, field);
  return Array.from({ length: content.byteLength / r[0] }, (_, i) => r[1](i * r[0]));
}

/** A TensorProto's values and shape; a single value fills the shape, as TensorFlow allows. */
export function tensorFromProto(name: string, t: TensorMessage): RequestTensor {
  const field = `inputs["${name}"]`;
  const dtype = t.dtype ?? 'DT_INVALID';
  const dims = (t.tensor_shape?.dim ?? []).map((d) => Number(d.size ?? 0));
  const shape = dims.length === 0 ? [1] : dims;
  let values: unknown[];
  if (t.tensor_content && t.tensor_content.byteLength > 0) values = contentValues(dtype, t.tensor_content, field);
  else if (dtype === 'DT_FLOAT') values = [...(t.float_val ?? [])];
  else if (dtype === 'DT_DOUBLE') values = [...(t.double_val ?? [])];
  else if (dtype === 'DT_INT32' || dtype === 'DT_INT16' || dtype === 'DT_INT8' || dtype === 'DT_UINT8') values = [...(t.int_val ?? [])];
  else if (dtype === 'DT_INT64') values = (t.int64_val ?? []).map(Number);
  else if (dtype === 'DT_STRING') values = (t.string_val ?? []).map((b) => Buffer.from(b).toString('utf8'));
  else if (dtype === 'DT_BOOL') values = [...(t.bool_val ?? [])];
  else
    throw new ServeError(
      'invalid',
      `${field} has dtype ${dtype}; Bird's features take DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_STRING or DT_BOOL`,
      field,
    );
  const count = shape.reduce((p, q) => p * q, 1);
  if (values.length === 1 && count > 1) values = new Array<unknown>(count).fill(values[0]);
  return { name, shape, values, field };
}

function tensorToProto(o: RowsOutput): Record<string, unknown> {
  const shape = { dim: o.dims.map((size) => ({ size })) };
  const values = flatValues(o);
  if (o.dtype === 'float32') return { dtype: 'DT_FLOAT', tensor_shape: shape, float_val: values };
  if (o.dtype === 'int64') return { dtype: 'DT_INT64', tensor_shape: shape, int64_val: values };
  if (o.dtype === 'bool') return { dtype: 'DT_BOOL', tensor_shape: shape, bool_val: values };
  return { dtype: 'DT_STRING', tensor_shape: shape, string_val: values.map((v) => Buffer.from(String(v), 'utf8')) };
}

/** The version a ModelSpec names: `version` (an integer) is a major version, `version_label` a label or an exact version. */
function versionOf(spec: ModelSpecMessage): { version?: string; label?: string } {
  if (spec.version_choice === 'version' && spec.version) return { version: String(spec.version.value ?? 0) };
  if (spec.version_choice === 'version_label' && spec.version_label) {
    const label = spec.version_label;
    return parse(label)?.version === label ? { version: label } : { label };
  }
  return {};
}

/** TF Serving answers with the version number; Bird's is the major version (the exact one is in the metadata). */
const specOf = (s: Servable, signature: string): Record<string, unknown> => ({
  name: s.model,
  version: { value: parse(s.version)!.major },
  signature_name: signature,
});

function modelSpec(request: { model_spec?: ModelSpecMessage | null }): ModelSpecMessage {
  const spec = request.model_spec;
  if (!spec || !spec.name) throw new ServeError('invalid', '`model_spec.name` is missing: name the model', 'model_spec.name');
  return spec;
}

/**
 * TF Serving's gRPC PredictionService, `Predict` and `GetModelMetadata`, from Bird's own
 * protos (the same packages, messages and field numbers, so TF Serving clients work
 * unchanged). Inputs are the signature's raw features by name.
 */
export function predictionServiceImplementation(
  repository: ModelRepository,
  predictor: Predictor,
  observe: (method: string, model: string, error: ServeError | undefined, ms: number) => void,
): grpc.UntypedServiceImplementation {
  const handle =
    <Req, Res>(method: string, run: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    (call, callback) => {
      const started = performance.now();
      const model = String((call.request as { model_spec?: ModelSpecMessage | null }).model_spec?.name ?? '');
      run(call.request).then(
        (response) => {
          observe(method, model, undefined, performance.now() - started);
          callback(null, response);
        },
        (error: unknown) => {
          const e = error instanceof ServeError ? error : undefined;
          observe(method, model, e ?? new ServeError('unavailable', 'internal error'), performance.now() - started);
          if (e) callback({ code: e.grpcCode, details: e.message });
          else callback({ code: grpc.status.INTERNAL, details: `internal error: ${(error as Error).message}` });
        },
      );
    };
  return {
    Predict: handle(
      'Predict',
      async (request: { model_spec?: ModelSpecMessage | null; inputs?: Record<string, TensorMessage>; output_filter?: string[] }) => {
        const spec = modelSpec(request);
        const tensors = Object.entries(request.inputs ?? {}).map(([name, t]) => tensorFromProto(name, t));
        if (tensors.length === 0) throw new ServeError('invalid', '`inputs` is empty: send the features as tensors by name', 'inputs');
        const p = await predictor.predict({ model: spec.name!, ...versionOf(spec), signature: spec.signature_name || undefined }, (rows) =>
          rows.readColumns(columnsFromTensors(rows.specs, tensors)),
        );
        const filter = request.output_filter ?? [];
        for (const f of filter) {
          if (!p.outputs.some((o) => o.name === f))
            throw new ServeError(
              'invalid',
              `output_filter names \`${f}\`, which signature \`${p.served.signature.name}\` does not have; it has ${p.outputs.map((o) => `\`${o.name}\``).join(', ')}`,
              'output_filter',
            );
        }
        const outputs = Object.fromEntries(
          p.outputs.filter((o) => filter.length === 0 || filter.includes(o.name)).map((o) => [o.name, tensorToProto(o)]),
        );
        return { model_spec: specOf(p.servable, p.served.signature.name), outputs };
      },
    ),
    GetModelMetadata: handle('GetModelMetadata', async (request: { model_spec?: ModelSpecMessage | null; metadata_field?: string[] }) => {
      const spec = modelSpec(request);
      const fields = request.metadata_field ?? [];
      const unknown = fields.find((f) => f !== 'signature_def');
      if (unknown !== undefined)
        throw new ServeError(
          'invalid',
          `metadata_field \`${unknown}\` is not served: the one metadata field is \`signature_def\``,
          'metadata_field',
        );
      const servable = repository.resolve(spec.name!, versionOf(spec));
      const signatureDef = Object.fromEntries(
        [...servable.signatures.values()].map((served) => {
          const meta = signatureMetadata(served);
          const info = (ts: typeof meta.inputs): Record<string, unknown> =>
            Object.fromEntries(
              ts.map((t) => [t.name, { name: t.name, dtype: t.tf, tensor_shape: { dim: t.shape.map((size) => ({ size })) } }]),
            );
          return [
            served.signature.name,
            { inputs: info(meta.inputs), outputs: info(meta.outputs), method_name: 'tensorflow/serving/predict' },
          ];
        }),
      );
      return {
        model_spec: specOf(servable, ''),
        metadata: { signature_def: { '@type': 'type.googleapis.com/tensorflow.serving.SignatureDefMap', signature_def: signatureDef } },
      };
    }),
  };
}
