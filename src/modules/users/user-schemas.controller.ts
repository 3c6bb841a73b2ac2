import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { bodyField, restRequest } from '../../common/http/proto-json';
import { ZitadelService } from '../../grpc/zitadel-descriptors';
import { ZitadelRoute } from '../../grpc/zitadel-route.decorator';
import { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/request-principal';
import { PatchUserSchema, USER_SCHEMA_FIELD_NAMES, UserSchema, UserSchemaSearchFilter } from './dto/user-schema-requests.dto';
import { GetUserSchemaResponse, SearchUserSchemasResponse, UserSchemaDetailsResponse } from './dto/user-schema-responses.dto';
import { UserSchemasService } from './user-schemas.service';

type QueryString = Record<string, unknown>;

const WRONG_STATE = (what: string) => ({ description: `${what} (code 9)`, type: ErrorResponse });
const ID = { name: 'id', example: '69629012906488334' };

/** REST door of zitadel.resources.userschema.v3alpha.ZITADELUserSchemas (grpc-gateway paths and body rules). */
@ApiTags('User schemas (zitadel.resources.userschema.v3alpha.ZITADELUserSchemas)')
@Controller('resources/v3alpha/user_schemas')
export class UserSchemasController {
  constructor(private readonly schemas: UserSchemasService) {}

  @Post('_search')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.UserSchemas, 'SearchUserSchemas', 'Search user schemas; the body is a JSON array of filters (AND)')
  @ApiQuery({ name: 'query.offset', required: false, type: String })
  @ApiQuery({ name: 'query.limit', required: false, type: Number })
  @ApiQuery({ name: 'query.desc', required: false, type: Boolean })
  @ApiQuery({ name: 'sortingColumn', required: false, enum: USER_SCHEMA_FIELD_NAMES })
  @ApiBody({ type: [UserSchemaSearchFilter], required: false })
  @ApiOkResponse({ type: SearchUserSchemasResponse })
  search(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Body() body: unknown) {
    return this.schemas.search(caller, restRequest(query, { filters: bodyField(body) }));
  }

  @Get(':id')
  @ZitadelRoute(ZitadelService.UserSchemas, 'GetUserSchema', 'Get one user schema')
  @ApiParam(ID)
  @ApiOkResponse({ type: GetUserSchemaResponse })
  @ApiNotFoundResponse({ description: 'No such schema (code 5, QUERY-SAF3t)', type: ErrorResponse })
  get(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.schemas.get(caller, restRequest(query, { id }));
  }

  @Post()
  @HttpCode(201)
  @ZitadelRoute(ZitadelService.UserSchemas, 'CreateUserSchema', 'Create a user schema (a JSON Schema, draft 2020-12); revision 1, active')
  @ApiBody({ type: UserSchema })
  @ApiCreatedResponse({ type: UserSchemaDetailsResponse })
  @ApiBadRequestResponse({ description: 'Invalid request or not a valid JSON Schema (code 3, COMMA-W21tg)', type: ErrorResponse })
  create(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Body() body: unknown) {
    return this.schemas.create(caller, restRequest(query, { userSchema: bodyField(body) }));
  }

  @Patch(':id')
  @ZitadelRoute(ZitadelService.UserSchemas, 'PatchUserSchema', 'Change an active schema; the revision grows when the JSON Schema changes')
  @ApiParam(ID)
  @ApiBody({ type: PatchUserSchema, required: false })
  @ApiOkResponse({ type: UserSchemaDetailsResponse, description: 'Changed, or left unchanged when nothing differs' })
  @ApiBadRequestResponse(WRONG_STATE('Schema unknown or not active (COMMA-HB3e1), or invalid input'))
  patch(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string, @Body() body: unknown) {
    return this.schemas.patch(caller, restRequest(query, { id, userSchema: bodyField(body) }));
  }

  @Post(':id/_deactivate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.UserSchemas, 'DeactivateUserSchema', 'Deactivate an active schema')
  @ApiParam(ID)
  @ApiOkResponse({ type: UserSchemaDetailsResponse })
  @ApiBadRequestResponse(WRONG_STATE('Schema unknown or not active (COMMA-E4t4z)'))
  deactivate(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.schemas.deactivate(caller, restRequest(query, { id }));
  }

  @Post(':id/_reactivate')
  @HttpCode(200)
  @ZitadelRoute(ZitadelService.UserSchemas, 'ReactivateUserSchema', 'Reactivate an inactive schema')
  @ApiParam(ID)
  @ApiOkResponse({ type: UserSchemaDetailsResponse })
  @ApiBadRequestResponse(WRONG_STATE('Schema unknown or not inactive (COMMA-DGzh5)'))
  reactivate(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.schemas.reactivate(caller, restRequest(query, { id }));
  }

  @Delete(':id')
  @ZitadelRoute(ZitadelService.UserSchemas, 'DeleteUserSchema', 'Delete an active or inactive schema')
  @ApiParam(ID)
  @ApiOkResponse({ type: UserSchemaDetailsResponse })
  @ApiBadRequestResponse(WRONG_STATE('Schema unknown (COMMA-Grg41)'))
  delete(@CurrentPrincipal() caller: Principal, @Query() query: QueryString, @Param('id') id: string) {
    return this.schemas.delete(caller, restRequest(query, { id }));
  }
}
