import { Controller } from '@nestjs/common';
import { RpcRequest, ZitadelRpc } from '../../grpc/zitadel-rpc.decorator';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import { UserContactsService } from './user-contacts.service';
import { UsersService } from './users.service';

const Users = ZitadelService.Users;

/**
 * gRPC (and gRPC-web) door of zitadel.resources.user.v3alpha.ZITADELUsers:
 * the same service calls as UsersController. Like ZITADEL's `authenticated`
 * auth option, any valid token passes the door; who may act on which user is
 * decided per user in the services, as for REST. The request arrives whole
 * (no path, body and query string to merge), in the protojson shape the
 * services take. The authenticator RPCs (usernames, passwords, WebAuthN…)
 * have no handler and answer UNIMPLEMENTED.
 */
@Controller()
export class UsersGrpc {
  constructor(
    private readonly users: UsersService,
    private readonly contacts: UserContactsService,
  ) {}

  @ZitadelRpc(Users, 'SearchUsers')
  search(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.search(caller, request);
  }

  @ZitadelRpc(Users, 'GetUser')
  get(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.get(caller, request);
  }

  @ZitadelRpc(Users, 'CreateUser')
  create(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.create(caller, request);
  }

  @ZitadelRpc(Users, 'PatchUser')
  patch(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.patch(caller, request);
  }

  @ZitadelRpc(Users, 'DeleteUser')
  delete(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.delete(caller, request);
  }

  @ZitadelRpc(Users, 'DeactivateUser')
  deactivate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.deactivate(caller, request);
  }

  @ZitadelRpc(Users, 'ActivateUser')
  activate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.activate(caller, request);
  }

  @ZitadelRpc(Users, 'LockUser')
  lock(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.lock(caller, request);
  }

  @ZitadelRpc(Users, 'UnlockUser')
  unlock(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.users.unlock(caller, request);
  }

  @ZitadelRpc(Users, 'SetContactEmail')
  setEmail(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.setEmail(caller, request);
  }

  @ZitadelRpc(Users, 'VerifyContactEmail')
  verifyEmail(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.verifyEmail(caller, request);
  }

  @ZitadelRpc(Users, 'ResendContactEmailCode')
  resendEmailCode(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.resendEmailCode(caller, request);
  }

  @ZitadelRpc(Users, 'SetContactPhone')
  setPhone(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.setPhone(caller, request);
  }

  @ZitadelRpc(Users, 'VerifyContactPhone')
  verifyPhone(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.verifyPhone(caller, request);
  }

  @ZitadelRpc(Users, 'ResendContactPhoneCode')
  resendPhoneCode(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.contacts.resendPhoneCode(caller, request);
  }
}
