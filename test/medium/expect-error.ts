import { GrpcCode, ZitadelError } from '../../src/common/errors/zitadel-error';

/** Awaits a service call that must be refused with this code and error id. */
export async function expectRefusal(call: Promise<unknown>, code: GrpcCode, id?: string): Promise<ZitadelError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ZitadelError);
  const refusal = error as ZitadelError;
  expect({ code: refusal.code, id: refusal.id }).toEqual({ code, id: id ?? expect.any(String) });
  return refusal;
}
