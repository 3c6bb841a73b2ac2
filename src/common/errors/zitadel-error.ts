/**
 * Domain errors in ZITADEL's model: a gRPC status code, a stable error id
 * (e.g. `COMMAND-ij3NhEHATp`) and a short English message. Services throw these;
 * one filter per transport family renders them (REST body, gRPC status).
 */
export enum GrpcCode {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
}

/** grpc-gateway's HTTPStatusFromCode. */
const HTTP_STATUS: Record<GrpcCode, number> = {
  [GrpcCode.OK]: 200,
  [GrpcCode.CANCELLED]: 499,
  [GrpcCode.UNKNOWN]: 500,
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.DEADLINE_EXCEEDED]: 504,
  [GrpcCode.NOT_FOUND]: 404,
  [GrpcCode.ALREADY_EXISTS]: 409,
  [GrpcCode.PERMISSION_DENIED]: 403,
  [GrpcCode.RESOURCE_EXHAUSTED]: 429,
  [GrpcCode.FAILED_PRECONDITION]: 400,
  [GrpcCode.ABORTED]: 409,
  [GrpcCode.OUT_OF_RANGE]: 400,
  [GrpcCode.UNIMPLEMENTED]: 501,
  [GrpcCode.INTERNAL]: 500,
  [GrpcCode.UNAVAILABLE]: 503,
  [GrpcCode.DATA_LOSS]: 500,
  [GrpcCode.UNAUTHENTICATED]: 401,
};

export function httpStatusOf(code: GrpcCode): number {
  return HTTP_STATUS[code] ?? 500;
}

export class ZitadelError extends Error {
  constructor(
    readonly code: GrpcCode,
    /** Stable error id, the `details[0].id` clients switch on. */
    readonly id: string,
    /** Short English text; never carries a secret. */
    readonly text: string,
  ) {
    super(`${text} (${id})`);
    this.name = 'ZitadelError';
  }

  get httpStatus(): number {
    return httpStatusOf(this.code);
  }
}

/**
 * A request refused because a service it needs does not answer (the
 * database): UNAVAILABLE (503), the code clients retry. Its outage is logged
 * once when it begins and once when it ends (OutageReporter), not per
 * request. `reason` is for that log line only (a driver code such as
 * ECONNREFUSED), never sent to the client.
 */
export class DependencyUnavailableError extends ZitadelError {
  constructor(
    readonly dependency: 'database',
    readonly reason: string,
  ) {
    super(GrpcCode.UNAVAILABLE, `${dependency.toUpperCase()}-Unavailable`, `the ${dependency} is unavailable; try again later`);
  }
}

/** Told of every request refused with a DependencyUnavailableError; logs the outage once (DatabaseAvailability). */
export abstract class OutageReporter {
  abstract refused(error: DependencyUnavailableError): void;
}

const make =
  (code: GrpcCode) =>
  (id: string, text: string): ZitadelError =>
    new ZitadelError(code, id, text);

export const invalidArgument = make(GrpcCode.INVALID_ARGUMENT);
export const notFound = make(GrpcCode.NOT_FOUND);
export const permissionDenied = make(GrpcCode.PERMISSION_DENIED);
export const failedPrecondition = make(GrpcCode.FAILED_PRECONDITION);
export const unauthenticated = make(GrpcCode.UNAUTHENTICATED);
export const resourceExhausted = make(GrpcCode.RESOURCE_EXHAUSTED);
export const unimplemented = make(GrpcCode.UNIMPLEMENTED);
export const unavailable = make(GrpcCode.UNAVAILABLE);
export const internal = make(GrpcCode.INTERNAL);

/** The JSON form of google.rpc.Status that every REST error carries. */
export interface ErrorBody {
  code: number;
  message: string;
  details: Array<{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail'; id: string; message: string }>;
}

export function toErrorBody(error: ZitadelError): ErrorBody {
  return {
    code: error.code,
    message: error.message,
    details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: error.id, message: error.text }],
  };
}
