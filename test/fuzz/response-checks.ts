import { BinaryReader } from '@bufbuild/protobuf/wire';
import { GrpcCode, httpStatusOf } from '../../src/common/errors/zitadel-error';

/**
 * What every answer to a malformed request must look like. These return a
 * problem description (or undefined) instead of throwing, so that a failing
 * fast-check case reports every broken answer of its batch at once.
 */

const STACK_TRACE = /\bat .+\.(js|ts):\d+/;
const ERROR_DETAIL_TYPE_URL = 'type.googleapis.com/zitadel.v1.ErrorDetail';

export interface RestAnswer {
  status: number;
  text: string;
  contentType: string | null;
}

/** REST: never a 5xx (save 501 for a documented unimplemented feature), errors in ZITADEL's shape, successes as JSON. */
export function restProblem(answer: RestAnswer): string | undefined {
  const { status, text } = answer;
  if (STACK_TRACE.test(text)) return `a stack trace in the body: ${text.slice(0, 300)}`;
  let body: any;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return `${status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (!/^application\/json\b/.test(answer.contentType ?? '')) return `${status} with content type ${answer.contentType}`;
  if (status >= 200 && status < 300) {
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? undefined : `${status} with a body that is not an object: ${text.slice(0, 200)}`;
  }
  if (status < 400) return `unexpected status ${status}`;
  const shape = errorShapeProblem(body);
  if (shape) return `${status}: ${shape}: ${text.slice(0, 300)}`;
  if (status >= 500 && !(status === 501 && body.code === GrpcCode.UNIMPLEMENTED)) return `a server error ${status}: ${text.slice(0, 300)}`;
  // grpc-gateway's status for the code (405 is the gateway's own answer to an unrouted method).
  if (status !== httpStatusOf(body.code) && !(status === 405 && body.code === GrpcCode.UNIMPLEMENTED)) {
    return `status ${status} does not belong to code ${body.code}`;
  }
  return undefined;
}

function errorShapeProblem(body: any): string | undefined {
  if (body === null || typeof body !== 'object') return 'no error object';
  if (!Number.isInteger(body.code) || body.code < 1 || body.code > 16) return `code ${JSON.stringify(body.code)}`;
  if (typeof body.message !== 'string') return 'no message';
  const details = body.details;
  if (!Array.isArray(details) || details.length !== 1) return 'details is not one ErrorDetail';
  const [detail] = details;
  if (detail?.['@type'] !== ERROR_DETAIL_TYPE_URL || typeof detail.id !== 'string' || detail.id === '' || typeof detail.message !== 'string') {
    return `malformed ErrorDetail ${JSON.stringify(detail)}`;
  }
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'code,details,message') return `unexpected keys ${keys}`;
  return undefined;
}

export interface GrpcAnswer {
  code: number;
  details: string;
  /** grpc-status-details-bin of the trailers. */
  statusDetails?: Buffer;
}

/** Codes a malformed request may never get: they say the server broke. */
const SERVER_FAULTS = new Set<number>([GrpcCode.UNKNOWN, GrpcCode.INTERNAL, GrpcCode.DATA_LOSS, GrpcCode.UNAVAILABLE, GrpcCode.DEADLINE_EXCEEDED]);

/** gRPC: a proper status (UNIMPLEMENTED allowed), and for errors google.rpc.Status with one zitadel.v1.ErrorDetail. */
export function grpcProblem(answer: GrpcAnswer): string | undefined {
  if (answer.code === GrpcCode.OK) return undefined;
  if (SERVER_FAULTS.has(answer.code)) return `status ${answer.code}: ${answer.details}`;
  if (STACK_TRACE.test(answer.details)) return `a stack trace in grpc-message: ${answer.details}`;
  // grpc-js's own limit (4 MiB, grpc-go's default, which ZITADEL keeps) refuses before any handler runs, as grpc-go's does, without details.
  if (answer.code === GrpcCode.RESOURCE_EXHAUSTED && /larger than max/.test(answer.details)) return undefined;
  if (!answer.statusDetails) return `status ${answer.code} without grpc-status-details-bin (${answer.details})`;
  let decoded: ReturnType<typeof decodeStatus>;
  try {
    decoded = decodeStatus(answer.statusDetails);
  } catch (error) {
    return `undecodable grpc-status-details-bin: ${(error as Error).message}`;
  }
  if (decoded.code !== answer.code) return `google.rpc.Status code ${decoded.code} differs from the status ${answer.code}`;
  if (decoded.typeUrls.length !== 1 || decoded.typeUrls[0] !== ERROR_DETAIL_TYPE_URL) return `details ${decoded.typeUrls.join(',')}`;
  if (!decoded.detailId) return 'ErrorDetail without an id';
  return undefined;
}

/** google.rpc.Status {1 code, 2 message, 3 repeated Any {1 type_url, 2 value}}; the ErrorDetail's id is its field 1. */
function decodeStatus(bytes: Uint8Array): { code: number; typeUrls: string[]; detailId?: string } {
  const reader = new BinaryReader(bytes);
  const out: { code: number; typeUrls: string[]; detailId?: string } = { code: 0, typeUrls: [] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) out.code = reader.int32();
    else if (field === 3) {
      const any = new BinaryReader(reader.bytes());
      while (any.pos < any.len) {
        const [anyField, anyWire] = any.tag();
        if (anyField === 1) out.typeUrls.push(any.string());
        else if (anyField === 2) {
          const detail = new BinaryReader(any.bytes());
          while (detail.pos < detail.len) {
            const [detailField, detailWire] = detail.tag();
            if (detailField === 1) out.detailId = detail.string();
            else detail.skip(detailWire);
          }
        } else any.skip(anyWire);
      }
    } else reader.skip(wireType);
  }
  return out;
}
