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

  @ZitadelRpc(Admin, 'ListSMSProviders', { permission: 'iam.read' })
  list(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.list(caller, request);
  }

  @ZitadelRpc(Admin, 'GetSMSProvider', { permission: 'iam.read' })
  get(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.get(caller, request);
  }

  @ZitadelRpc(Admin, 'AddSMSProviderTwilio', { permission: 'iam.write' })
  addTwilio(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.addTwilio(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderTwilio', { permission: 'iam.write' })
  updateTwilio(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.updateTwilio(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderTwilioToken', { permission: 'iam.write' })
  rotateTwilioToken(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.rotateTwilioToken(caller, request);
  }

  @ZitadelRpc(Admin, 'AddSMSProviderHTTP', { permission: 'iam.write' })
  addHttp(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.addHttp(caller, request);
  }

  @ZitadelRpc(Admin, 'UpdateSMSProviderHTTP', { permission: 'iam.write' })
  updateHttp(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.updateHttp(caller, request);
  }

  @ZitadelRpc(Admin, 'ActivateSMSProvider', { permission: 'iam.write' })
  activate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.activate(caller, request);
  }

  @ZitadelRpc(Admin, 'DeactivateSMSProvider', { permission: 'iam.write' })
  deactivate(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.deactivate(caller, request);
  }

  @ZitadelRpc(Admin, 'RemoveSMSProvider', { permission: 'iam.write' })
  remove(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
    return this.sms.remove(caller, request);
  }
}
