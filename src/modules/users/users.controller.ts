import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags, PickType } from '@nestjs/swagger';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { bodyField, restRequest } from '../../common/http/proto-json';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { ZitadelRoute } from '../../grpc/zitadel-route.decorator';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import { CreateUser, PatchUser, ResendContactEmailCodeRequest, ResendContactPhoneCodeRequest, SetEmail, SetPhone, USER_FIELD_NAMES, UserSearchFilter } from './dto/user-requests.dto';
import { GetUserResponse, SearchUsersResponse, UserCodesResponse, UserDetailsResponse, VerificationCodeResponse } from './dto/user-responses.dto';
import { UserContactsService } from './user-contacts.service';
import { UsersService } from './users.service';

type QueryString = Record<string, unknown>;

const ID = { name: 'id', example: '69629026806489455' };
const ORG = { name: 'organization.orgId', required: false, description: 'restricts the lookup to this organization' };
const NOT_FOUND = { description: 'No such user, or not visible to the caller (code 5, COMMAND-syHyCsGmvM)', type: ErrorResponse };
/** The `body: "*"` of the resend RPCs, without the fields that come from the path and query string. */
class ResendContactEmailCodeBody extends PickType(ResendContactEmailCodeRequest, ['sendCode', 'returnCode'] as const) {}
class ResendContactPhoneCodeBody extends PickType(ResendContactPhoneCodeRequest, ['sendCode', 'returnCode'] as const) {}

const CODE_BODY = { schema: { type: 'string', example: 'K3T9QZ' }, description: 'the code as a bare JSON string' };

/**
 * REST door of zitadel.resources.user.v3alpha.ZITADELUsers. Bodies follow the
 * grpc-gateway rules: the body is the `user`/`email`/`phone` message, the
 * filters array or a bare code string; everything else comes from the path and
 * the query string.
 */
@ApiTags('Users (zitadel.resources.user.v3alpha.ZITADELUsers)')
@Controller('resources/v3alpha/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly contacts: UserContactsService,
  ) {}

  @Post('_search')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'SearchUsers', 'Search the users the caller may read; the body is a JSON array of filters (AND)')
  @ApiQuery({ name: 'query.offset', required: false, type: String })
  @ApiQuery({ name: 'query.limit', required: false, type: Number })
  @ApiQuery({ name: 'query.desc', required: false, type: Boolean })
  @ApiQuery({ name: 'sortingColumn', required: false, enum: USER_FIELD_NAMES })
  @ApiBody({ type: [UserSearchFilter], required: false })
  @ApiOkResponse({ type: SearchUsersResponse })
  search(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Body() body: unknown) {
    return this.users.search(caller, restRequest(query, { filters: bodyField(body) }));
  }

  @Get(':id')
  @ZitadelRoute(ZitadelService.Users, 'GetUser', 'Get a user (itself, or with user.read in its organization)')
  @ApiParam(ID)
  @ApiOkResponse({ type: GetUserResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.get(caller, restRequest(query, { id }));
  }

  @Post()
  @HttpCode(201)
  @ZitadelRoute(ZitadelService.Users, 'CreateUser', 'Create a user in organization.orgId (else the caller\'s organization); needs user.write there')
  @ApiQuery({ name: 'organization.orgId', required: false, description: 'the new user\'s organization; default: the caller\'s' })
  @ApiBody({ type: CreateUser })
  @ApiCreatedResponse({ type: UserCodesResponse })
  @ApiBadRequestResponse({ description: 'Invalid input, unknown schema (COMMAND-N9QOuN4F7o), data not matching it (COMMAND-SlKXqLSeL6)', type: ErrorResponse })
  create(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Body() body: unknown) {
    return this.users.create(caller, restRequest(query, { user: bodyField(body) }));
  }

  @Patch(':id')
  @ZitadelRoute(ZitadelService.Users, 'PatchUser', 'Change a user\'s schema, data and contact; "updated or left unchanged"')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody({ type: PatchUser, required: false })
  @ApiOkResponse({ type: UserCodesResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  patch(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.users.patch(caller, restRequest(query, { id, user: bodyField(body) }));
  }

  @Delete(':id')
  @ZitadelRoute(ZitadelService.Users, 'DeleteUser', 'Delete a user (itself, or with user.delete)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  delete(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.delete(caller, restRequest(query, { id }));
  }

  @Post(':id/_deactivate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'DeactivateUser', 'Deactivate an active user (needs user.write)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  deactivate(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.deactivate(caller, restRequest(query, { id }));
  }

  @Post(':id/_activate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'ActivateUser', 'Activate an inactive user (needs user.write)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  activate(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.activate(caller, restRequest(query, { id }));
  }

  @Post(':id/_lock')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'LockUser', 'Lock a user (needs user.write)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  lock(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.lock(caller, restRequest(query, { id }));
  }

  @Post(':id/_unlock')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'UnlockUser', 'Unlock a locked user (needs user.write)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  unlock(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.users.unlock(caller, restRequest(query, { id }));
  }

  @Put(':id/email')
  @ZitadelRoute(ZitadelService.Users, 'SetContactEmail', 'Set the contact email; a code is sent unless returnCode or isVerified')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody({ type: SetEmail })
  @ApiOkResponse({ type: VerificationCodeResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  setEmail(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.setEmail(caller, restRequest(query, { id, email: bodyField(body) }));
  }

  @Post(':id/email/_verify')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'VerifyContactEmail', 'Verify the contact email with its code (5 wrong attempts invalidate it)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody(CODE_BODY)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  verifyEmail(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.verifyEmail(caller, restRequest(query, { id, verificationCode: body }));
  }

  @Post(':id/email/_resend')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'ResendContactEmailCode', 'Replace the pending email code with a new one')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody({ type: ResendContactEmailCodeBody, required: false, description: '{"sendCode":{…}}, {"returnCode":{}} or {}' })
  @ApiOkResponse({ type: VerificationCodeResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  resendEmailCode(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.resendEmailCode(caller, starBody(query, body, { id }));
  }

  @Put(':id/phone')
  @ZitadelRoute(ZitadelService.Users, 'SetContactPhone', 'Set the contact phone (E.164); a code is sent unless returnCode or isVerified')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody({ type: SetPhone })
  @ApiOkResponse({ type: VerificationCodeResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  setPhone(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.setPhone(caller, restRequest(query, { id, phone: bodyField(body) }));
  }

  @Post(':id/phone/_verify')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'VerifyContactPhone', 'Verify the contact phone with its code (5 wrong attempts invalidate it)')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody(CODE_BODY)
  @ApiOkResponse({ type: UserDetailsResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  verifyPhone(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.verifyPhone(caller, restRequest(query, { id, verificationCode: body }));
  }

  @Post(':id/phone/_resend')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.Users, 'ResendContactPhoneCode', 'Replace the pending phone code with a new one')
  @ApiParam(ID)
  @ApiQuery(ORG)
  @ApiBody({ type: ResendContactPhoneCodeBody, required: false, description: '{"sendCode":{}}, {"returnCode":{}} or {}' })
  @ApiOkResponse({ type: VerificationCodeResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  resendPhoneCode(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.contacts.resendPhoneCode(caller, starBody(query, body, { id }));
  }
}

/**
 * A `body: "*"` request: the body is the whole message (a non-object body is
 * passed on so that validation refuses it); path parameters win.
 */
function starBody(query: QueryString, body: unknown, path: Record<string, string>): unknown {
  const fields = bodyField(body);
  if (fields !== undefined && (typeof fields !== 'object' || Array.isArray(fields))) return fields;
  return restRequest(query, { ...(fields as Record<string, unknown> | undefined), ...path });
}
