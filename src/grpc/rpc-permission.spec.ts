import { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_REQUIREMENT } from '../modules/auth/access-token.guard';
import { SmsProvidersController } from '../modules/sms/sms-providers.controller';
import { SmsProvidersGrpc } from '../modules/sms/sms-providers.grpc';
import { UserSchemasController } from '../modules/users/user-schemas.controller';
import { UserSchemasGrpc } from '../modules/users/user-schemas.grpc';
import { UsersController } from '../modules/users/users.controller';
import { UsersGrpc } from '../modules/users/users.grpc';
import { SERVED_RPC, rpcAuthRequirement } from './rpc-permission';
import { ZitadelService, ZitadelServiceName } from './zitadel-descriptors';

const reflector = new Reflector();

const DOORS: { service: ZitadelServiceName; rest: Type; grpc: Type }[] = [
  { service: ZitadelService.Admin, rest: SmsProvidersController, grpc: SmsProvidersGrpc },
  { service: ZitadelService.Users, rest: UsersController, grpc: UsersGrpc },
  { service: ZitadelService.UserSchemas, rest: UserSchemasController, grpc: UserSchemasGrpc },
];

/** Every handler of a controller: RPC it serves → the requirement its guard reads (as AccessTokenGuard does). */
function guardRequirements(controller: Type, expectedService: ZitadelServiceName): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const key of Object.getOwnPropertyNames(controller.prototype)) {
    if (key === 'constructor') continue;
    const handler = controller.prototype[key] as () => unknown;
    const rpc = reflector.get(SERVED_RPC, handler);
    if (!rpc) throw new Error(`${controller.name}.${key} does not say which RPC it serves`);
    expect(rpc.service).toBe(expectedService);
    if (found.has(rpc.method)) throw new Error(`${controller.name} serves ${rpc.method} twice`);
    found.set(rpc.method, reflector.getAllAndOverride(AUTH_REQUIREMENT, [handler, controller]) ?? {});
  }
  return found;
}

describe('one permission per RPC, on every transport', () => {
  it.each(DOORS)('$service: REST, gRPC and gRPC-web guard each RPC with the permission its descriptor declares', ({ service, rest, grpc }) => {
    const restRequirements = guardRequirements(rest, service);
    const grpcRequirements = guardRequirements(grpc, service);
    expect([...restRequirements.keys()].sort()).toEqual([...grpcRequirements.keys()].sort());
    for (const [method, requirement] of restRequirements) {
      const declared = rpcAuthRequirement(service, method);
      expect({ method, rest: requirement }).toEqual({ method, rest: declared });
      expect({ method, grpc: grpcRequirements.get(method) }).toEqual({ method, grpc: declared });
    }
  });

  it("maps ZITADEL's auth options onto this service's permissions", () => {
    const byPermission = (service: ZitadelServiceName, rest: Type) => {
      const grouped: Record<string, string[]> = {};
      for (const method of guardRequirements(rest, service).keys()) {
        const permission = rpcAuthRequirement(service, method).permission ?? 'any valid token';
        (grouped[permission] ??= []).push(method);
      }
      return grouped;
    };
    expect(byPermission(ZitadelService.Admin, SmsProvidersController)).toEqual({
      'iam.read': ['ListSMSProviders', 'GetSMSProvider'],
      'iam.write': expect.arrayContaining(['AddSMSProviderTwilio', 'UpdateSMSProviderTwilioToken', 'RemoveSMSProvider']),
    });
    expect(byPermission(ZitadelService.Admin, SmsProvidersController)['iam.write']).toHaveLength(8);
    expect(byPermission(ZitadelService.UserSchemas, UserSchemasController)).toEqual({
      'userschema.read': ['SearchUserSchemas', 'GetUserSchema'],
      'userschema.write': ['CreateUserSchema', 'PatchUserSchema', 'DeactivateUserSchema', 'ReactivateUserSchema'],
      'userschema.delete': ['DeleteUserSchema'],
    });
    // Who may act on which user is decided per user in the service layer.
    expect(Object.keys(byPermission(ZitadelService.Users, UsersController))).toEqual(['any valid token']);
  });

  it('refuses an RPC whose permission this service does not grant', () => {
    expect(() => rpcAuthRequirement(ZitadelService.Admin, 'GetDefaultVerifySMSOTPMessageText')).toThrow(/iam\.policy\.read/);
  });
});
