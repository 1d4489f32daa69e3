import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ModelRepository } from './modelRepository.js';
import type { Predictor } from './predictor.js';
import { ServeError } from './serveError.js';
import { columnsFromTensors, flatValues, type RequestTensor } from './featureTensors.js';
import { signatureMetadata } from './signatureMetadata.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

type Params = { readonly name: string; readonly version?: string };

/** A KServe v2 input tensor's data, flattened (the protocol allows nested lists of the shape too). */
function flatData(data: unknown, field: string): unknown[] {
  if (!Array.isArray(data)) throw new ServeError('invalid', `${field}.data must be a list of values`, `${field}.data`);
  return (data as unknown[]).flat(16);
}

function inputTensor(input: unknown, i: number): RequestTensor {
  const field = `inputs[${i}]`;
  if (!isObject(input)) throw new ServeError('invalid', `${field} must be an object with name, shape, datatype and data`, field);
  if (typeof input['name'] !== 'string') throw new ServeError('invalid', `${field}.name must be a string`, `${field}.name`);
  const shape = input['shape'];
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number'))
    throw new ServeError('invalid', `${field}.shape must be a list of sizes`, `${field}.shape`);
  if (typeof input['datatype'] !== 'string')
    throw new ServeError('invalid', `${field}.datatype must be a string (BYTES, FP32, INT64, ...)`, `${field}.datatype`);
  return {
    name: input['name'],
    shape: shape as number[],
    values: flatData(input['data'], field),
    field: `${field} (\`${input['name']}\`)`,
  };
}

/**
 * KServe v2 (the Open Inference Protocol, as Triton speaks it) over REST: health, server
 * and model metadata, readiness, and `infer`. Inputs are the signature's raw features as
 * tensors (`BYTES` for strings and keys); the signature is the first unless the request's
 * `parameters.signature_name` names another. Errors are `{"error": "..."}`.
 */
export function registerKserveRest(
  app: FastifyInstance,
  repository: ModelRepository,
  predictor: Predictor,
  serverVersion: string,
  isReady: () => boolean,
  noteModel: (request: object, model: string) => void,
): void {
  app.get('/v2', async () => ({ name: 'bird', version: serverVersion, extensions: [] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply: FastifyReply) => {
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  const metadata = async (request: { params: unknown }): Promise<unknown> => {
    const { name, version } = request.params as Params;
    noteModel(request, name);
    const servable = repository.resolve(name, { version });
    const meta = signatureMetadata(servable.signature(undefined));
    const tensors = (ts: typeof meta.inputs): unknown[] => ts.map((t) => ({ name: t.name, datatype: t.kserve, shape: t.shape }));
    return {
      name,
      versions: repository.versions(name).map((s) => s.version),
      platform: 'onnxruntime_onnx',
      inputs: tensors(meta.inputs),
      outputs: tensors(meta.outputs),
    };
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);

  const ready = async (request: { params: unknown }): Promise<unknown> => {
    const { name, version } = request.params as Params;
    noteModel(request, name);
    repository.resolve(name, { version });
    return { name, ready: true };
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: { params: unknown; body: unknown }): Promise<unknown> => {
    const { name, version } = request.params as Params;
    noteModel(request, name);
    const body = request.body;
    if (!isObject(body)) throw new ServeError('invalid', 'the body must be a JSON object with `inputs`', 'body');
    if (!Array.isArray(body['inputs']) || body['inputs'].length === 0)
      throw new ServeError('invalid', '`inputs` must be a non-empty list of tensors', 'inputs');
    const parameters = body['parameters'];
    if (parameters !== undefined && !isObject(parameters)) throw new ServeError('invalid', '`parameters` must be an object', 'parameters');
    const signature = parameters?.['signature_name'];
    if (signature !== undefined && typeof signature !== 'string')
      throw new ServeError('invalid', '`parameters.signature_name` must be a string', 'parameters.signature_name');
    const tensors = (body['inputs'] as unknown[]).map(inputTensor);
    const wanted = body['outputs'];
    if (wanted !== undefined && (!Array.isArray(wanted) || wanted.some((o) => !isObject(o) || typeof o['name'] !== 'string')))
      throw new ServeError('invalid', '`outputs` must be a list of `{"name": ...}`', 'outputs');
    const p = await predictor.predict({ model: name, version, signature }, (rows) =>
      rows.readColumns(columnsFromTensors(rows.specs, tensors)),
    );
    const names = wanted === undefined ? undefined : (wanted as { name: string }[]).map((o) => o.name);
    for (const n of names ?? []) {
      if (!p.outputs.some((o) => o.name === n))
        throw new ServeError(
          'invalid',
          `unknown output \`${n}\`: signature \`${p.served.signature.name}\` has ${p.outputs.map((o) => `\`${o.name}\``).join(', ')}`,
          'outputs',
        );
    }
    const meta = signatureMetadata(p.served);
    return {
      model_name: p.servable.model,
      model_version: p.servable.version,
      ...(typeof body['id'] === 'string' ? { id: body['id'] } : {}),
      outputs: p.outputs
        .filter((o) => names === undefined || names.includes(o.name))
        .map((o) => ({ name: o.name, datatype: meta.outputs.find((m) => m.name === o.name)!.kserve, shape: o.dims, data: flatValues(o) })),
    };
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);
}
