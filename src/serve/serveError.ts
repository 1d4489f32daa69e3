/**
 * A request the server refuses: the HTTP status, the message in the protocol's own error
 * form (`{"error": message}` for TF Serving REST and KServe v2, a gRPC status for gRPC),
 * and the field at fault when there is one. Thrown by the request decoders and the
 * repository; every protocol handler turns it into its own answer, so a client's mistake
 * is never a 500.
 */
export type ServeErrorKind =
  /** The request is malformed or does not fit the signature: 400, INVALID_ARGUMENT. */
  | 'invalid'
  /** No such model, version, label or signature: 404, NOT_FOUND. */
  | 'not-found'
  /** The request asks for a signature major version the loaded one does not honour: 400, FAILED_PRECONDITION. */
  | 'incompatible'
  /** The body is over the size limit: 413, RESOURCE_EXHAUSTED. */
  | 'too-large'
  /** The server is shutting down or the model is not loaded yet: 503, UNAVAILABLE. */
  | 'unavailable'
  /** The run took longer than the request time limit: 504, DEADLINE_EXCEEDED. */
  | 'timeout';

const httpStatus: Readonly<Record<ServeErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  incompatible: 400,
  'too-large': 413,
  unavailable: 503,
  timeout: 504,
};

/** gRPC status codes (grpc-js `status`), written out so this file needs no gRPC import. */
const grpcCode: Readonly<Record<ServeErrorKind, number>> = {
  invalid: 3,
  'not-found': 5,
  incompatible: 9,
  'too-large': 8,
  unavailable: 14,
  timeout: 4,
};

export class ServeError extends Error {
  override readonly name = 'ServeError';

  constructor(
    readonly kind: ServeErrorKind,
    message: string,
    /** The request field at fault (`instances[3].distance`, `inputs.origin`), when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return httpStatus[this.kind];
  }

  get grpcCode(): number {
    return grpcCode[this.kind];
  }
}
