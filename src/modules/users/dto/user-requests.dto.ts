import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, Equals, IsArray, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { Instance, Organization, SearchQuery, TEXT_FILTER_METHODS, TextFilterMethod } from '../../../common/dto/resource-details.dto';
import { IsEmptyMessage, KeepRaw, OneOf, Runes } from '../../../common/validation/rules';
import { ExactlyOneOf, ProtoBool, ProtoEnum } from '../../../common/validation/proto-rules';

/**
 * Request messages of zitadel.resources.user.v3alpha.ZITADELUsers. Top-level
 * class names are the protobuf message names ("invalid PatchUserRequest.User.Contact.Email.Address: …").
 */

export const USER_STATES = ['USER_STATE_UNSPECIFIED', 'USER_STATE_ACTIVE', 'USER_STATE_INACTIVE', 'USER_STATE_DELETED', 'USER_STATE_LOCKED'] as const;
export type UserStateName = (typeof USER_STATES)[number];

export const USER_FIELD_NAMES = [
  'FIELD_NAME_UNSPECIFIED',
  'FIELD_NAME_ID',
  'FIELD_NAME_CREATION_DATE',
  'FIELD_NAME_CHANGE_DATE',
  'FIELD_NAME_EMAIL',
  'FIELD_NAME_PHONE',
  'FIELD_NAME_STATE',
  'FIELD_NAME_SCHEMA_ID',
  'FIELD_NAME_SCHEMA_TYPE',
] as const;
export type UserFieldName = (typeof USER_FIELD_NAMES)[number];

// --- contact (communication.proto) ------------------------------------------

const VERIFICATION = ['sendCode', 'returnCode', 'isVerified'];
const RESEND = ['sendCode', 'returnCode'];

export class SendEmailVerificationCode {
  @ApiPropertyOptional({
    example: 'https://app.example.com/verify?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}',
    maxLength: 200,
    description: 'link for the mail; only {{.UserID}}, {{.Code}} and {{.OrgID}} are allowed',
  })
  @IsOptional()
  @Runes(1, 200)
  urlTemplate?: string;
}

const EMPTY = { type: 'object', properties: {}, example: {} } as const;

export class SetEmail {
  @ApiProperty({ example: 'gigi@example.com', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  address: string;

  @ApiPropertyOptional({ type: SendEmailVerificationCode, description: 'oneof verification: a code is mailed (the default)' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @IsObject()
  @ValidateNested()
  @Type(() => SendEmailVerificationCode)
  sendCode?: SendEmailVerificationCode;

  @ApiPropertyOptional({ ...EMPTY, description: 'oneof verification: the code is returned, nothing is sent (needs user.write)' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @IsEmptyMessage()
  returnCode?: Record<string, never>;

  @ApiPropertyOptional({ enum: [true], description: 'oneof verification: mark verified without a code (needs user.write); only true' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @Equals(true, { message: 'value must equal true' })
  isVerified?: true;
}

export class SetPhone {
  @ApiProperty({ example: '+41791234567', minLength: 1, maxLength: 20, description: 'normalised to E.164 (default region CH)' })
  @Runes(1, 20)
  number: string;

  @ApiPropertyOptional({ ...EMPTY, description: 'oneof verification: a code is sent by SMS (the default)' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @IsEmptyMessage()
  sendCode?: Record<string, never>;

  @ApiPropertyOptional({ ...EMPTY, description: 'oneof verification: the code is returned, nothing is sent (needs user.write)' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @IsEmptyMessage()
  returnCode?: Record<string, never>;

  @ApiPropertyOptional({ enum: [true], description: 'oneof verification: mark verified without a code (needs user.write); only true' })
  @IsOptional()
  @OneOf('verification', VERIFICATION)
  @Equals(true, { message: 'value must equal true' })
  isVerified?: true;
}

export class SetContact {
  @ApiPropertyOptional({ type: SetEmail })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetEmail)
  email?: SetEmail;

  @ApiPropertyOptional({ type: SetPhone })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetPhone)
  phone?: SetPhone;
}

// --- user (user.proto) -------------------------------------------------------

const DATA = {
  type: 'object',
  additionalProperties: true,
  example: { name: 'Gigi' },
  description: 'a JSON object, validated against the user schema',
} as const;

export class CreateUser {
  @ApiProperty({ example: '69629012906488334', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  schemaId: string;

  @ApiPropertyOptional(DATA)
  @IsOptional()
  @Allow()
  @KeepRaw()
  data?: unknown;

  @ApiPropertyOptional({ type: SetContact })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetContact)
  contact?: SetContact;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'not supported yet (501 when not empty)' })
  @IsOptional()
  @IsObject()
  @KeepRaw()
  authenticators?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '69629026806489455', minLength: 1, maxLength: 200, description: 'caller-chosen id, else generated' })
  @IsOptional()
  @Runes(1, 200)
  userId?: string;
}

export class PatchUser {
  @ApiPropertyOptional({ example: '69629012906488334', minLength: 1, maxLength: 200, description: 'move to another schema (data is re-validated); needs user.write, also for the user itself' })
  @IsOptional()
  @Runes(1, 200)
  schemaId?: string;

  @ApiPropertyOptional({ ...DATA, description: 'replaces the whole data object' })
  @IsOptional()
  @Allow()
  @KeepRaw()
  data?: unknown;

  @ApiPropertyOptional({ type: SetContact })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SetContact)
  contact?: SetContact;
}

// --- requests ------------------------------------------------------------------

class InstanceHolder {
  @ApiPropertyOptional({ type: Instance, description: 'ignored: the served instance is used' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Instance)
  instance?: Instance;
}

class OrganizationHolder extends InstanceHolder {
  @ApiPropertyOptional({ type: Organization })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Organization)
  organization?: Organization;
}

export class UserIdRequest extends OrganizationHolder {
  @ApiProperty({ example: '69629026806489455', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  id: string;
}

export class CreateUserRequest extends OrganizationHolder {
  @ApiPropertyOptional({ type: CreateUser })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateUser)
  user?: CreateUser;
}

export class PatchUserRequest extends UserIdRequest {
  @ApiPropertyOptional({ type: PatchUser })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PatchUser)
  user?: PatchUser;
}

export class GetUserRequest extends InstanceHolder {
  @ApiProperty({ example: '69629026806489455', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  id: string;
}

export class DeleteUserRequest extends UserIdRequest {}
export class DeactivateUserRequest extends UserIdRequest {}
export class ActivateUserRequest extends UserIdRequest {}
export class LockUserRequest extends UserIdRequest {}
export class UnlockUserRequest extends UserIdRequest {}

export class SetContactEmailRequest extends UserIdRequest {
  @ApiProperty({ type: SetEmail })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SetEmail)
  email: SetEmail;
}

export class SetContactPhoneRequest extends UserIdRequest {
  @ApiProperty({ type: SetPhone })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SetPhone)
  phone: SetPhone;
}

export class VerifyContactEmailRequest extends UserIdRequest {
  @ApiProperty({ example: 'K3T9QZ', minLength: 1, maxLength: 20 })
  @Runes(1, 20)
  verificationCode: string;
}

export class VerifyContactPhoneRequest extends VerifyContactEmailRequest {}

export class ResendContactEmailCodeRequest extends UserIdRequest {
  @ApiPropertyOptional({ type: SendEmailVerificationCode })
  @IsOptional()
  @OneOf('verification', RESEND)
  @IsObject()
  @ValidateNested()
  @Type(() => SendEmailVerificationCode)
  sendCode?: SendEmailVerificationCode;

  @ApiPropertyOptional({ ...EMPTY, description: 'the new code is returned, nothing is sent (needs user.write)' })
  @IsOptional()
  @OneOf('verification', RESEND)
  @IsEmptyMessage()
  returnCode?: Record<string, never>;
}

export class ResendContactPhoneCodeRequest extends UserIdRequest {
  @ApiPropertyOptional(EMPTY)
  @IsOptional()
  @OneOf('verification', RESEND)
  @IsEmptyMessage()
  sendCode?: Record<string, never>;

  @ApiPropertyOptional({ ...EMPTY, description: 'the new code is returned, nothing is sent (needs user.write)' })
  @IsOptional()
  @OneOf('verification', RESEND)
  @IsEmptyMessage()
  returnCode?: Record<string, never>;
}

// --- search (query.proto) --------------------------------------------------------

class TextFilter {
  @ApiPropertyOptional({ enum: TEXT_FILTER_METHODS, description: 'default TEXT_FILTER_METHOD_EQUALS' })
  @IsOptional()
  @ProtoEnum(TEXT_FILTER_METHODS)
  method?: TextFilterMethod;
}

export class UserIDFilter extends TextFilter {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Runes(1, 200) id: string;
}

export class OrganizationIDFilter extends TextFilter {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Runes(1, 200) id: string;
}

export class UsernameFilter extends TextFilter {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Runes(1, 200) username: string;
  @ApiPropertyOptional() @IsOptional() @ProtoBool() isOrganizationSpecific?: boolean;
}

export class EmailFilter extends TextFilter {
  @ApiProperty({ example: 'example.com', maxLength: 200 }) @Runes(0, 200) address: string;
}

export class PhoneFilter extends TextFilter {
  @ApiProperty({ example: '+4179', minLength: 1, maxLength: 20 }) @Runes(1, 20) number: string;
}

export class UserStateFilter {
  @ApiProperty({ enum: USER_STATES }) @ProtoEnum(USER_STATES) state: UserStateName;
}

export class SchemaIDFilter {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @Runes(1, 200) id: string;
}

export class SchemaTypeFilter extends TextFilter {
  @ApiProperty({ example: 'employees', minLength: 1, maxLength: 200 }) @Runes(1, 200) type: string;
}

export class UserOrFilter {
  @ApiProperty({ type: () => [UserSearchFilter] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UserSearchFilter)
  queries: UserSearchFilter[];
}

export class UserAndFilter extends UserOrFilter {}

export class UserNotFilter {
  @ApiProperty({ type: () => UserSearchFilter })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UserSearchFilter)
  // Readonly<…>: decorator metadata must not name the class, which is declared below.
  query: Readonly<UserSearchFilter>;
}

export const USER_FILTERS = [
  'orFilter',
  'andFilter',
  'notFilter',
  'userIdFilter',
  'organizationIdFilter',
  'usernameFilter',
  'emailFilter',
  'phoneFilter',
  'stateFilter',
  'schemaIdFilter',
  'schemaTypeFilter',
];

/** zitadel.resources.user.v3alpha.SearchFilter: exactly one member. */
export class UserSearchFilter {
  @ApiPropertyOptional({ type: () => UserOrFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserOrFilter)
  orFilter?: UserOrFilter;

  @ApiPropertyOptional({ type: () => UserAndFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserAndFilter)
  andFilter?: UserAndFilter;

  @ApiPropertyOptional({ type: () => UserNotFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserNotFilter)
  notFilter?: UserNotFilter;

  @ApiPropertyOptional({ type: UserIDFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserIDFilter)
  userIdFilter?: UserIDFilter;

  @ApiPropertyOptional({ type: OrganizationIDFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => OrganizationIDFilter)
  organizationIdFilter?: OrganizationIDFilter;

  @ApiPropertyOptional({ type: UsernameFilter, description: 'usernames are not supported yet: matches no user' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UsernameFilter)
  usernameFilter?: UsernameFilter;

  @ApiPropertyOptional({ type: EmailFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => EmailFilter)
  emailFilter?: EmailFilter;

  @ApiPropertyOptional({ type: PhoneFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => PhoneFilter)
  phoneFilter?: PhoneFilter;

  @ApiPropertyOptional({ type: UserStateFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => UserStateFilter)
  stateFilter?: UserStateFilter;

  @ApiPropertyOptional({ type: SchemaIDFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SchemaIDFilter)
  schemaIdFilter?: SchemaIDFilter;

  @ApiPropertyOptional({ type: SchemaTypeFilter }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SchemaTypeFilter)
  schemaTypeFilter?: SchemaTypeFilter;

  @ApiHideProperty()
  @ExactlyOneOf(USER_FILTERS)
  readonly filter?: never;
}

export class SearchUsersRequest extends InstanceHolder {
  @ApiPropertyOptional({ type: SearchQuery })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SearchQuery)
  query?: SearchQuery;

  @ApiPropertyOptional({ enum: USER_FIELD_NAMES })
  @IsOptional()
  @ProtoEnum(USER_FIELD_NAMES)
  sortingColumn?: UserFieldName;

  @ApiPropertyOptional({ type: [UserSearchFilter], description: 'the request body (a JSON array); several filters = AND' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UserSearchFilter)
  filters?: UserSearchFilter[];
}
