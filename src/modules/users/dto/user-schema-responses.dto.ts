import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Details, ResourceListDetails } from '../../../common/dto/resource-details.dto';
import { USER_SCHEMA_FIELD_NAMES, USER_SCHEMA_STATES, UserSchema, UserSchemaFieldName, UserSchemaStateName } from './user-schema-requests.dto';

/** zitadel.resources.userschema.v3alpha.GetUserSchema */
export class GetUserSchema {
  @ApiProperty({ type: Details }) details: Details;
  @ApiProperty({ type: UserSchema }) config: UserSchema;
  @ApiProperty({ enum: USER_SCHEMA_STATES, example: 'STATE_ACTIVE' }) state: UserSchemaStateName;
  @ApiProperty({ example: 1, description: 'starts at 1; grows each time the schema content changes' }) revision: number;
}

export class GetUserSchemaResponse {
  @ApiProperty({ type: GetUserSchema }) userSchema: GetUserSchema;
}

/** Create/Patch/Deactivate/Reactivate/DeleteUserSchemaResponse. */
export class UserSchemaDetailsResponse {
  @ApiProperty({ type: Details }) details: Details;
}

export class SearchUserSchemasResponse {
  @ApiProperty({ type: ResourceListDetails }) details: ResourceListDetails;
  @ApiPropertyOptional({ enum: USER_SCHEMA_FIELD_NAMES }) sortingColumn?: UserSchemaFieldName;
  @ApiProperty({ type: [GetUserSchema] }) result: GetUserSchema[];
}
