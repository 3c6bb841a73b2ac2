import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Authenticated } from '../modules/auth/authenticated.decorator';
import { SERVED_RPC, rpcAuthRequirement } from './rpc-permission';
import { ZitadelServiceName } from './zitadel-descriptors';

/**
 * Declares a REST route as the grpc-gateway door of one of ZITADEL's RPCs:
 * who may call it (the RPC's own auth option, as for gRPC), and the RPC's
 * name as the OpenAPI operation id.
 *
 *   @Get(':id')
 *   @ZitadelRoute(ZitadelService.Admin, 'GetSMSProvider', 'Get one SMS provider')
 */
export function ZitadelRoute(service: ZitadelServiceName, method: string, summary: string): MethodDecorator {
  return applyDecorators(
    SERVED_RPC({ service, method }),
    Authenticated(rpcAuthRequirement(service, method)),
    ApiOperation({ operationId: method, summary }),
  );
}
