import { Reflector } from '@nestjs/core';
import { DescExtension, DescMethod, getOption, hasOption } from '@bufbuild/protobuf';
import { AuthRequirement } from '../modules/auth/access-token.guard';
import { isInstancePermission } from '../modules/auth/permissions';
import { ZitadelServiceName, zitadelApi, zitadelMethod } from './zitadel-descriptors';

/** The RPC a REST route or gRPC handler serves; what its guard requirement was derived from. */
export const SERVED_RPC = Reflector.createDecorator<{ service: ZitadelServiceName; method: string }>();

/** ZITADEL's option on the v1 services (AdminService): `{ permission }`. */
const V1_AUTH_OPTION = 'zitadel.v1.auth_option';
/** ZITADEL's option on the v2/v3alpha services: `{ auth_option: { permission, org_field } }`. */
const V2_OPTIONS = 'zitadel.protoc_gen_zitadel.v2.options';
/** ZITADEL's word for "any valid token"; who may act on what is decided in the service layer. */
const AUTHENTICATED = 'authenticated';

/**
 * Who may call an RPC, on every transport: the permission ZITADEL's own
 * descriptors declare for it (chosen over a table because their values are
 * this service's instance-wide permissions as they are). A value this service
 * does not know stops start-up rather than letting the call through.
 */
export function rpcAuthRequirement(service: ZitadelServiceName, method: string): AuthRequirement {
  const rpc = zitadelMethod(service, method);
  const permission = declaredPermission(rpc);
  if (permission === undefined) throw new Error(`${service}/${method} declares no auth option in ZITADEL's descriptors`);
  if (permission === AUTHENTICATED) return {};
  if (!isInstancePermission(permission)) throw new Error(`${service}/${method} needs the permission ${permission}, which this service does not grant`);
  return { permission };
}

function declaredPermission(rpc: DescMethod): string | undefined {
  const v1 = optionOf<{ permission: string }>(rpc, V1_AUTH_OPTION);
  if (v1) return v1.permission;
  return optionOf<{ authOption?: { permission: string } }>(rpc, V2_OPTIONS)?.authOption?.permission;
}

function optionOf<T>(rpc: DescMethod, extensionName: string): T | undefined {
  const extension = zitadelApi().registry.getExtension(extensionName) as DescExtension | undefined;
  if (!extension || !hasOption(rpc, extension)) return undefined;
  return getOption(rpc, extension) as T;
}
