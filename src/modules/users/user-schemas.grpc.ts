import { Controller } from '@nestjs/common';
import { RpcRequest, ZitadelRpc } from '../../grpc/zitadel-rpc.decorator';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import { UserSchemasService } from './user-schemas.service';

const Schemas = ZitadelService.UserSchemas;

/**
 * gRPC (and gRPC-web) door of zitadel.resources.userschema.v3alpha.ZITADELUserSchemas:
 * the same service calls and the same instance-wide permissions as
 * UserSchemasController.
 */
@Controller()
export class UserSchemasGrpc {
  constructor(private readonly schemas: UserSchemasService) {}

  @ZitadelRpc(Schemas, 'SearchUserSchemas')
  search(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.search(caller, request);
  }

  @ZitadelRpc(Schemas, 'GetUserSchema')
  get(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.get(caller, request);
  }

  @ZitadelRpc(Schemas, 'CreateUserSchema')
  create(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.create(caller, request);
  }

  @ZitadelRpc(Schemas, 'PatchUserSchema')
  patch(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.patch(caller, request);
  }

  @ZitadelRpc(Schemas, 'DeactivateUserSchema')
  deactivate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.deactivate(caller, request);
  }

  @ZitadelRpc(Schemas, 'ReactivateUserSchema')
  reactivate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.reactivate(caller, request);
  }

  @ZitadelRpc(Schemas, 'DeleteUserSchema')
  delete(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.schemas.delete(caller, request);
  }
}
