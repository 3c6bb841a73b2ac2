import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { wellFormedText } from '../text/truncate';
import { Metadata } from '@grpc/grpc-js';
import { ZitadelError } from './zitadel-error';

export const ERROR_DETAIL_TYPE = 'zitadel.v1.ErrorDetail';
export const STATUS_DETAILS_HEADER = 'grpc-status-details-bin';

/** zitadel.v1.ErrorDetail { string id = 1; string message = 2; } */
export function encodeErrorDetail(error: ZitadelError): Uint8Array {
  return new BinaryWriter().uint32((1 << 3) | 2).string(error.id).uint32((2 << 3) | 2).string(error.text).finish();
}

/**
 * google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3; }
 * with the ErrorDetail packed in an Any { string type_url = 1; bytes value = 2; }:
 * what ZITADEL sends in grpc-status-details-bin.
 */
export function encodeStatus(error: ZitadelError): Uint8Array {
  const detail = new BinaryWriter()
    .uint32((1 << 3) | 2)
    .string(`type.googleapis.com/${ERROR_DETAIL_TYPE}`)
    .uint32((2 << 3) | 2)
    .bytes(encodeErrorDetail(error))
    .finish();
  return new BinaryWriter()
    .uint32((1 << 3) | 0)
    .int32(error.code)
    .uint32((2 << 3) | 2)
    .string(error.message)
    .uint32((3 << 3) | 2)
    .bytes(detail)
    .finish();
}

/**
 * A ZitadelError as grpc-js sends it: `code`, `details` ("<text> (<id>)",
 * the grpc-message) and trailers carrying the status details.
 */
export class GrpcStatusError extends Error {
  readonly code: number;
  readonly details: string;
  readonly metadata: Metadata;

  constructor(readonly error: ZitadelError) {
    super(error.message);
    this.name = 'GrpcStatusError';
    this.code = error.code;
    // grpc-js URI-encodes the message into a header: a lone surrogate would make it throw.
    this.details = wellFormedText(error.message);
    this.metadata = new Metadata();
    this.metadata.set(STATUS_DETAILS_HEADER, Buffer.from(encodeStatus(error)));
  }
}
