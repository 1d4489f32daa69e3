import type { FastifyInstance } from 'fastify';
import type { ModelRepository } from './modelRepository.js';
import type { Predictor } from './predictor.js';
import { ServeError } from './serveError.js';
import { nestedValues, nestedValuesJson, rowValue } from './featureTensors.js';
import { signatureMetadata } from './signatureMetadata.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{name}[/versions/{v}|/labels/{l}]` then `:verb` or `/metadata`, as TF Serving's REST paths are laid out. */
const pathPattern = /^([^/:]+)(?:\/versions\/([^/:]+)|\/labels\/([^/:]+))?(?::([A-Za-z]+)|\/(metadata))?$/;

interface ModelPath {
  readonly model: string;
  readonly version?: string;
  readonly label?: string;
  readonly verb?: string;
  readonly metadata: boolean;
}

function parsePath(rest: string): ModelPath {
  const m = pathPattern.exec(rest);
  if (!m)
    throw new ServeError(
      'not-found',
      `\`/v1/models/${rest}\` is not a TF Serving path: use /v1/models/NAME[/versions/V|/labels/L][:predict|/metadata]`,
      'path',
    );
  const decode = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ServeError('invalid', `\`${s}\` in the path is not valid percent-encoding`, 'path');
    }
  };
  return { model: decode(m[1])!, version: decode(m[2]), label: decode(m[3]), verb: m[4], metadata: m[5] !== undefined };
}

/**
 * TensorFlow Serving's REST API: `POST /v1/models/{name}[/versions/{v}|/labels/{l}]:predict`
 * with `instances` (rows) or `inputs` (columns), `GET /v1/models/{name}` (version status)
 * and `GET .../metadata` (signatures). Errors are `{"error": "..."}`, as TF Serving writes them.
 */
export function registerTfServingRest(
  app: FastifyInstance,
  repository: ModelRepository,
  predictor: Predictor,
  noteModel: (request: object, model: string) => void,
): void {
  app.post('/v1/models/*', async (request, reply) => {
    const path = parsePath((request.params as Record<string, string>)['*'] ?? '');
    noteModel(request, path.model);
    if (path.metadata || path.verb === undefined)
      throw new ServeError('not-found', `POST to \`${request.url}\`: post predictions to /v1/models/${path.model}:predict`, 'path');
    if (path.verb !== 'predict')
      throw new ServeError(
        'invalid',
        `\`:${path.verb}\` is not served: Bird serves \`:predict\` (classify and regress take tf.Example inputs)`,
        'path',
      );
    const body = request.body;
    if (!isObject(body)) throw new ServeError('invalid', 'the body must be a JSON object with `instances` or `inputs`', 'body');
    for (const key of Object.keys(body)) {
      if (key !== 'signature_name' && key !== 'instances' && key !== 'inputs')
        throw new ServeError(
          'invalid',
          `unknown field \`${key}\`: a predict request has \`signature_name\` and one of \`instances\` or \`inputs\``,
          key,
        );
    }
    if (body['signature_name'] !== undefined && typeof body['signature_name'] !== 'string')
      throw new ServeError('invalid', '`signature_name` must be a string', 'signature_name');
    const rowForm = body['instances'] !== undefined;
    if (rowForm === (body['inputs'] !== undefined))
      throw new ServeError(
        'invalid',
        'a predict request has exactly one of `instances` (rows) or `inputs` (columns)',
        rowForm ? 'inputs' : 'instances',
      );
    const p = await predictor.predict(
      { model: path.model, version: path.version, label: path.label, signature: body['signature_name'] as string | undefined },
      (rows) => (rowForm ? rows.readInstances(body['instances']) : rows.readColumns(body['inputs'])),
    );
    const single = p.outputs.length === 1;
    if (single && p.outputs[0]!.dims.length > 0) {
      // One output: the answer written as one string (the rows' predictions are the output's nested lists, row by row), not nested lists for JSON.stringify.
      void reply.header('content-type', 'application/json; charset=utf-8');
      return `{"${rowForm ? 'predictions' : 'outputs'}":${nestedValuesJson(p.outputs[0]!)}}`;
    }
    if (rowForm) {
      const predictions = Array.from({ length: p.rows }, (_, i) =>
        single ? rowValue(p.outputs[0]!, i) : Object.fromEntries(p.outputs.map((o) => [o.name, rowValue(o, i)])),
      );
      return { predictions };
    }
    return { outputs: single ? nestedValues(p.outputs[0]!) : Object.fromEntries(p.outputs.map((o) => [o.name, nestedValues(o)])) };
  });

  app.get('/v1/models/*', async (request) => {
    const path = parsePath((request.params as Record<string, string>)['*'] ?? '');
    noteModel(request, path.model);
    if (path.verb !== undefined) throw new ServeError('not-found', `GET \`${request.url}\`: \`:${path.verb}\` takes a POST`, 'path');
    if (path.metadata) {
      const servable = repository.resolve(path.model, { version: path.version, label: path.label });
      const signatureDef = Object.fromEntries(
        [...servable.signatures.values()].map((served) => {
          const meta = signatureMetadata(served);
          const info = (ts: typeof meta.inputs): Record<string, unknown> =>
            Object.fromEntries(
              ts.map((t) => [
                t.name,
                {
                  dtype: t.tf,
                  tensor_shape: { dim: t.shape.map((d) => ({ size: String(d), name: '' })), unknown_rank: false },
                  name: t.name,
                },
              ]),
            );
          return [
            served.signature.name,
            { inputs: info(meta.inputs), outputs: info(meta.outputs), method_name: 'tensorflow/serving/predict' },
          ];
        }),
      );
      return {
        model_spec: { name: servable.model, signature_name: '', version: servable.version },
        metadata: { signature_def: { signature_def: signatureDef } },
      };
    }
    let statuses = repository.status(path.model);
    if (statuses.length === 0) repository.resolve(path.model);
    if (path.version !== undefined || path.label !== undefined) {
      const version = repository.resolve(path.model, { version: path.version, label: path.label }).version;
      statuses = statuses.filter((s) => s.version === version);
    }
    return {
      model_version_status: statuses.map((s) => ({
        version: s.version,
        state: s.state,
        status: { error_code: s.error === '' ? 'OK' : 'FAILED_PRECONDITION', error_message: s.error },
      })),
    };
  });
}
