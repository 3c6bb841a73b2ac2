import { Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { GrpcStatusError } from './grpc-status';
import { permissionDenied } from './zitadel-error';

describe('GrpcExceptionFilter', () => {
  const filter = new GrpcExceptionFilter();

  it('renders a ZitadelError with its code and id', async () => {
    const error = await lastValueFrom(filter.catch(permissionDenied('AUTH-5mWD2', 'No matching permissions found'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrpcStatusError);
    expect(error).toMatchObject({ code: 7, details: 'No matching permissions found (AUTH-5mWD2)' });
  });

  it('answers an unexpected error as Internal without its text', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const status = filter.toStatus(new Error('connect ECONNREFUSED 10.0.0.7:3306 password=hunter2'));
    expect(status).toMatchObject({ code: 13, details: 'internal error (INTERNAL-1xq0)' });
    expect(JSON.stringify(status) + status.message + status.stack).not.toContain('hunter2');
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it("names the native call's method and request id in the log line of an unexpected error", async () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const metadata = new Metadata();
    metadata.set('x-request-id', 'failing-call-7');
    const call = { getPath: () => '/zitadel.admin.v1.AdminService/ListSMSProviders' };
    const host = { getArgByIndex: (index: number) => [{}, metadata, call][index] };
    const error = await lastValueFrom(filter.catch(new Error('boom'), host as never)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 13 });
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ rpc: '/zitadel.admin.v1.AdminService/ListSMSProviders', requestId: 'failing-call-7' }),
      'unexpected error while serving a gRPC call',
    );
    log.mockRestore();
  });
});
