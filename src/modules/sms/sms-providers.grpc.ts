import { Controller } from '@nestjs/common';
import { RpcRequest, ZitadelRpc } from '../../grpc/zitadel-rpc.decorator';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import { SmsProvidersService } from './sms-providers.service';

const Admin = ZitadelService.Admin;

/**
 * gRPC (and gRPC-web) door of zitadel.admin.v1.AdminService's SMS-provider
 * RPCs: the same service calls as the REST controller. Requests arrive as
 * protojson-shaped objects (@RpcRequest) and results become the RPC's
 * response message (@ZitadelRpc); every other AdminService RPC answers
 * UNIMPLEMENTED.
 */
@Controller()
export class SmsProvidersGrpc {
  constructor(private readonly sms: SmsProvidersService) {}

  @ZitadelRpc(Admin, 'ListSMSProviders')
  list(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.list(caller, request);
  }

  @ZitadelRpc(Admin, 'GetSMSProvider')
  get(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.get(caller, request);
  }

  @ZitadelRpc(Admin, 'AddSMSProviderTwilio')
  addTwilio(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.addTwilio(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderTwilio')
  updateTwilio(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.updateTwilio(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderTwilioToken')
  rotateTwilioToken(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.rotateTwilioToken(caller, request);
  }

  @ZitadelRpc(Admin, 'AddSMSProviderHTTP')
  addHttp(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.addHttp(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderHTTP')
  updateHttp(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.updateHttp(caller, request);
  }

  @ZitadelRpc(Admin, 'ActivateSMSProvider')
  activate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.activate(caller, request);
  }

  @ZitadelRpc(Admin, 'DeactivateSMSProvider')
  deactivate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.deactivate(caller, request);
  }

  @ZitadelRpc(Admin, 'RemoveSMSProvider')
  remove(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.remove(caller, request);
  }
}
