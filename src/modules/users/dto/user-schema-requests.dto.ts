import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { Instance, SearchQuery, TEXT_FILTER_METHODS, TextFilterMethod } from '../../../common/dto/resource-details.dto';
import { KeepRaw, Runes } from '../../../common/validation/rules';
import { ExactlyOneOf, ProtoEnum } from '../../../common/validation/proto-rules';

/**
 * Request messages of zitadel.resources.userschema.v3alpha.ZITADELUserSchemas.
 * Top-level class names are the protobuf message names, so validation errors
 * read "invalid CreateUserSchemaRequest.UserSchema.Type: …".
 */

export const AUTHENTICATOR_TYPES = [
  'AUTHENTICATOR_TYPE_UNSPECIFIED',
  'AUTHENTICATOR_TYPE_USERNAME',
  'AUTHENTICATOR_TYPE_PASSWORD',
  'AUTHENTICATOR_TYPE_WEBAUTHN',
  'AUTHENTICATOR_TYPE_TOTP',
  'AUTHENTICATOR_TYPE_OTP_EMAIL',
  'AUTHENTICATOR_TYPE_OTP_SMS',
  'AUTHENTICATOR_TYPE_AUTHENTICATION_KEY',
  'AUTHENTICATOR_TYPE_IDENTITY_PROVIDER',
] as const;

export const USER_SCHEMA_STATES = ['STATE_UNSPECIFIED', 'STATE_ACTIVE', 'STATE_INACTIVE'] as const;
export type UserSchemaStateName = (typeof USER_SCHEMA_STATES)[number];

export const USER_SCHEMA_FIELD_NAMES = [
  'FIELD_NAME_UNSPECIFIED',
  'FIELD_NAME_TYPE',
  'FIELD_NAME_STATE',
  'FIELD_NAME_REVISION',
  'FIELD_NAME_CHANGE_DATE',
  'FIELD_NAME_CREATION_DATE',
] as const;
export type UserSchemaFieldName = (typeof USER_SCHEMA_FIELD_NAMES)[number];

const SCHEMA_EXAMPLE = {
  $schema: 'urn:zitadel:schema:v1',
  type: 'object',
  properties: {
    name: { type: 'string' },
    note: { type: 'string', 'urn:zitadel:schema:permission': { owner: 'rw', self: 'r' } },
  },
  required: ['name'],
};

/** zitadel.resources.userschema.v3alpha.UserSchema (body of CreateUserSchema; `config` of reads). */
export class UserSchema {
  @ApiProperty({ example: 'employees', minLength: 1, maxLength: 200, description: 'human-readable name of the schema' })
  @Runes(1, 200)
  type: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: SCHEMA_EXAMPLE, description: 'JSON Schema (draft 2020-12)' })
  @IsDefined()
  @IsObject()
  @KeepRaw()
  schema: Record<string, unknown>;

  @ApiPropertyOptional({ enum: AUTHENTICATOR_TYPES, isArray: true, example: ['AUTHENTICATOR_TYPE_USERNAME', 'AUTHENTICATOR_TYPE_PASSWORD'] })
  @IsOptional()
  @IsArray()
  @ProtoEnum(AUTHENTICATOR_TYPES, { notZero: true }, { each: true })
  @ArrayUnique()
  possibleAuthenticators?: string[];
}

/** zitadel.resources.userschema.v3alpha.PatchUserSchema: absent fields stay as they are. */
export class PatchUserSchema {
  @ApiPropertyOptional({ example: 'staff', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Runes(1, 200)
  type?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'replaces the JSON Schema; the revision grows when it differs' })
  @IsOptional()
  @IsObject()
  @KeepRaw()
  schema?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: AUTHENTICATOR_TYPES, isArray: true, description: 'replaces the list when not empty' })
  @IsOptional()
  @IsArray()
  @ProtoEnum(AUTHENTICATOR_TYPES, { notZero: true }, { each: true })
  @ArrayUnique()
  possibleAuthenticators?: string[];
}

class InstanceHolder {
  @ApiPropertyOptional({ type: Instance, description: 'ignored: the served instance is used' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Instance)
  instance?: Instance;
}

class SchemaIdRequest extends InstanceHolder {
  @ApiProperty({ example: '69629012906488334', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  id: string;
}

export class CreateUserSchemaRequest extends InstanceHolder {
  @ApiProperty({ type: UserSchema })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UserSchema)
  userSchema: UserSchema;
}

export class PatchUserSchemaRequest extends SchemaIdRequest {
  @ApiPropertyOptional({ type: PatchUserSchema })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PatchUserSchema)
  userSchema?: PatchUserSchema;
}

export class GetUserSchemaRequest {
  @ApiProperty({ example: '69629012906488334', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  id: string;
}

export class DeactivateUserSchemaRequest extends SchemaIdRequest {}
export class ReactivateUserSchemaRequest extends SchemaIdRequest {}
export class DeleteUserSchemaRequest extends SchemaIdRequest {}

// --- search ---------------------------------------------------------------

export class UserSchemaTypeFilter {
  @ApiProperty({ example: 'employees', maxLength: 200 })
  @Runes(0, 200)
  type: string;

  @ApiPropertyOptional({ enum: TEXT_FILTER_METHODS })
  @IsOptional()
  @ProtoEnum(TEXT_FILTER_METHODS)
  method?: TextFilterMethod;
}

export class UserSchemaStateFilter {
  @ApiProperty({ enum: USER_SCHEMA_STATES })
  @ProtoEnum(USER_SCHEMA_STATES)
  state: UserSchemaStateName;
}

export class UserSchemaIDFilter {
  @ApiProperty({ example: '69629012906488334', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  id: string;

  @ApiPropertyOptional({ enum: TEXT_FILTER_METHODS })
  @IsOptional()
  @ProtoEnum(TEXT_FILTER_METHODS)
  method?: TextFilterMethod;
}

export class UserSchemaOrFilter {
  @ApiProperty({ type: () => [UserSchemaSearchFilter] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UserSchemaSearchFilter)
  queries: UserSchemaSearchFilter[];
}

export class UserSchemaAndFilter extends UserSchemaOrFilter {}

export class UserSchemaNotFilter {
  @ApiProperty({ type: () => UserSchemaSearchFilter })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UserSchemaSearchFilter)
  // Readonly<…>: decorator metadata must not name the class, which is declared below.
  filter: Readonly<UserSchemaSearchFilter>;
}

const SCHEMA_FILTERS = ['orFilter', 'andFilter', 'notFilter', 'typeFilter', 'stateFilter', 'idFilter'];

/** zitadel.resources.userschema.v3alpha.SearchFilter: exactly one member. */
export class UserSchemaSearchFilter {
  @ApiPropertyOptional({ type: () => UserSchemaOrFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaOrFilter)
  orFilter?: UserSchemaOrFilter;

  @ApiPropertyOptional({ type: () => UserSchemaAndFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaAndFilter)
  andFilter?: UserSchemaAndFilter;

  @ApiPropertyOptional({ type: () => UserSchemaNotFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaNotFilter)
  notFilter?: UserSchemaNotFilter;

  @ApiPropertyOptional({ type: UserSchemaTypeFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaTypeFilter)
  typeFilter?: UserSchemaTypeFilter;

  @ApiPropertyOptional({ type: UserSchemaStateFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaStateFilter)
  stateFilter?: UserSchemaStateFilter;

  @ApiPropertyOptional({ type: UserSchemaIDFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserSchemaIDFilter)
  idFilter?: UserSchemaIDFilter;

  @ApiHideProperty()
  @ExactlyOneOf(SCHEMA_FILTERS)
  readonly filter?: never;
}

export class SearchUserSchemasRequest extends InstanceHolder {
  @ApiPropertyOptional({ type: SearchQuery })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SearchQuery)
  query?: SearchQuery;

  @ApiPropertyOptional({ enum: USER_SCHEMA_FIELD_NAMES })
  @IsOptional()
  @ProtoEnum(USER_SCHEMA_FIELD_NAMES)
  sortingColumn?: UserSchemaFieldName;

  @ApiPropertyOptional({ type: [UserSchemaSearchFilter], description: 'the request body (a JSON array); several filters = AND' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UserSchemaSearchFilter)
  filters?: UserSchemaSearchFilter[];
}
