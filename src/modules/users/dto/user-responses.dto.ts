import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Details, ResourceListDetails } from '../../../common/dto/resource-details.dto';
import { USER_STATES, UserStateName } from './user-requests.dto';

/** zitadel.resources.user.v3alpha.GetSchema */
export class GetSchema {
  @ApiProperty({ example: '69629012906488334' }) id: string;
  @ApiPropertyOptional({ example: 'employees' }) type?: string;
  @ApiProperty({ example: 2, description: 'schema revision the data was last validated against' }) revision: number;
}

export class Email {
  @ApiProperty({ example: 'gigi@example.com' }) address: string;
  @ApiPropertyOptional({ description: 'omitted when false' }) isVerified?: boolean;
}

export class Phone {
  @ApiProperty({ example: '+41791234567', description: 'E.164' }) number: string;
  @ApiPropertyOptional({ description: 'omitted when false' }) isVerified?: boolean;
}

export class Contact {
  @ApiPropertyOptional({ type: Email }) email?: Email;
  @ApiPropertyOptional({ type: Phone }) phone?: Phone;
}

/** zitadel.resources.user.v3alpha.GetUser */
export class GetUser {
  @ApiProperty({ type: Details }) details: Details;
  @ApiProperty({ type: GetSchema }) schema: GetSchema;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { name: 'Gigi' } }) data: Record<string, unknown>;
  @ApiPropertyOptional({ type: Contact }) contact?: Contact;
  @ApiProperty({ enum: USER_STATES, example: 'USER_STATE_ACTIVE' }) state: UserStateName;
}

export class GetUserResponse {
  @ApiProperty({ type: GetUser }) user: GetUser;
}

/** Delete/Deactivate/Activate/Lock/Unlock/VerifyContact*Response. */
export class UserDetailsResponse {
  @ApiProperty({ type: Details }) details: Details;
}

/** CreateUserResponse and PatchUserResponse. */
export class UserCodesResponse extends UserDetailsResponse {
  @ApiPropertyOptional({ example: 'X7K2QA', description: 'only when contact.email asked for returnCode' }) emailCode?: string;
  @ApiPropertyOptional({ example: 'Q2W3E4', description: 'only when contact.phone asked for returnCode' }) phoneCode?: string;
}

/** SetContact*Response and ResendContact*CodeResponse. */
export class VerificationCodeResponse extends UserDetailsResponse {
  @ApiPropertyOptional({ example: 'Q2W3E4', description: 'only with returnCode' }) verificationCode?: string;
}

export class SearchUsersResponse {
  @ApiProperty({ type: ResourceListDetails }) details: ResourceListDetails;
  @ApiProperty({ type: [GetUser] }) result: GetUser[];
}
