import { findTrailerError } from '@connectrpc/connect/protocol-grpc';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { GrpcStatusError, encodeStatus } from './grpc-status';
import { notFound } from './zitadel-error';

describe('gRPC status of a ZitadelError', () => {
  const error = notFound('COMMAND-ij3NhEHATp', 'SMS configuration not found');

  it('is a google.rpc.Status with the packed zitadel.v1.ErrorDetail, as another implementation reads it', () => {
    const trailer = new Headers({ 'grpc-status-details-bin': Buffer.from(encodeStatus(error)).toString('base64').replace(/=+$/, '') });
    const decoded = findTrailerError(trailer)!;
    expect(decoded.code).toBe(5);
    expect(decoded.rawMessage).toBe('SMS configuration not found (COMMAND-ij3NhEHATp)');
    expect(decoded.details).toEqual([{ type: 'zitadel.v1.ErrorDetail', value: expect.any(Uint8Array) }]);
    expect(decoded.findDetails(ErrorDetailSchema)).toEqual([
      expect.objectContaining({ id: 'COMMAND-ij3NhEHATp', message: 'SMS configuration not found' }),
    ]);
  });

  it('gives grpc-js the code, the grpc-message "<text> (<id>)" and the details trailer', () => {
    const status = new GrpcStatusError(error);
    expect(status.code).toBe(5);
    expect(status.details).toBe('SMS configuration not found (COMMAND-ij3NhEHATp)');
    expect(status.metadata.get('grpc-status-details-bin')).toEqual([Buffer.from(encodeStatus(error))]);
  });
});
