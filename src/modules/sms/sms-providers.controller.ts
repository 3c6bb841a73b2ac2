import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags, OmitType } from '@nestjs/swagger';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { requestFrom } from '../../common/http/request-body';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { ZitadelRoute } from '../../grpc/zitadel-route.decorator';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import {
  AddSMSProviderHTTPRequest,
  AddSMSProviderTwilioRequest,
  ListSMSProvidersRequest,
  UpdateSMSProviderHTTPRequest,
  UpdateSMSProviderTwilioRequest,
  UpdateSMSProviderTwilioTokenRequest,
} from './dto/sms-requests.dto';
import {
  AddSMSProviderHTTPResponse,
  AddSMSProviderTwilioResponse,
  DetailsResponse,
  GetSMSProviderResponse,
  ListSMSProvidersResponse,
  UpdateSMSProviderHTTPResponse,
} from './dto/sms-responses.dto';
import { SmsProvidersService } from './sms-providers.service';

const NOT_FOUND = { description: 'No SMS provider with this id (code 5)', type: ErrorResponse };

/** REST door of zitadel.admin.v1.AdminService's SMS-provider RPCs (paths under /admin/v1). */
@ApiTags('SMS providers (zitadel.admin.v1.AdminService)')
@Controller('admin/v1/sms')
export class SmsProvidersController {
  constructor(private readonly sms: SmsProvidersService) {}

  @Post('_search')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Admin, 'ListSMSProviders', 'List the SMS providers of the instance')
  @ApiBody({ type: ListSMSProvidersRequest, required: false })
  @ApiOkResponse({ type: ListSMSProvidersResponse })
  list(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    return this.sms.list(caller, requestFrom(body));
  }

  @Get(':id')
  @ZitadelRoute(ZitadelService.Admin, 'GetSMSProvider', 'Get one SMS provider (its secrets are never returned)')
  @ApiOkResponse({ type: GetSMSProviderResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.sms.get(caller, { id });
  }

  @Post('twilio')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Admin, 'AddSMSProviderTwilio', 'Add a Twilio provider (inactive until activated)')
  @ApiBody({ type: AddSMSProviderTwilioRequest })
  @ApiOkResponse({ type: AddSMSProviderTwilioResponse })
  addTwilio(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    return this.sms.addTwilio(caller, requestFrom(body));
  }

  @Put('twilio/:id')
  @ZitadelRoute(ZitadelService.Admin, 'UpdateSMSProviderTwilio', 'Change a Twilio provider (not its token)')
  @ApiBody({ type: OmitType(UpdateSMSProviderTwilioRequest, ['id']) })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  updateTwilio(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sms.updateTwilio(caller, requestFrom(body, { id }));
  }

  @Put('twilio/:id/token')
  @ZitadelRoute(ZitadelService.Admin, 'UpdateSMSProviderTwilioToken', "Rotate a Twilio provider's auth token")
  @ApiParam({ name: 'id', example: '284603126754344963' })
  @ApiBody({ type: OmitType(UpdateSMSProviderTwilioTokenRequest, ['id']) })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  rotateTwilioToken(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sms.rotateTwilioToken(caller, requestFrom(body, { id }));
  }

  @Post('http')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Admin, 'AddSMSProviderHTTP', 'Add an HTTP (webhook) provider; returns its signing key once')
  @ApiBody({ type: AddSMSProviderHTTPRequest })
  @ApiOkResponse({ type: AddSMSProviderHTTPResponse })
  addHttp(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    return this.sms.addHttp(caller, requestFrom(body));
  }

  @Put('http/:id')
  @ZitadelRoute(ZitadelService.Admin, 'UpdateSMSProviderHTTP', 'Change an HTTP provider, optionally rotating its signing key')
  @ApiBody({ type: OmitType(UpdateSMSProviderHTTPRequest, ['id']) })
  @ApiOkResponse({ type: UpdateSMSProviderHTTPResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  updateHttp(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sms.updateHttp(caller, requestFrom(body, { id }));
  }

  @Post(':id/_activate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Admin, 'ActivateSMSProvider', 'Make this provider the only active one')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  activate(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sms.activate(caller, requestFrom(body, { id }));
  }

  @Post(':id/_deactivate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Admin, 'DeactivateSMSProvider', 'Deactivate the provider; no SMS is sent until one is activated')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  deactivate(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sms.deactivate(caller, requestFrom(body, { id }));
  }

  @Delete(':id')
  @ZitadelRoute(ZitadelService.Admin, 'RemoveSMSProvider', 'Remove the provider')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.sms.remove(caller, { id });
  }
}
