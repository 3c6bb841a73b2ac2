import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Runes, Uint32, Uint64 } from '../validation/rules';
import { ExactlyOneOf, ProtoBool } from '../validation/proto-rules';

/** Shared messages of ZITADEL's v3alpha resources (zitadel.resources.object.v3alpha, zitadel.object.v3alpha). */

export enum OwnerType {
  OWNER_TYPE_UNSPECIFIED = 'OWNER_TYPE_UNSPECIFIED',
  OWNER_TYPE_SYSTEM = 'OWNER_TYPE_SYSTEM',
  OWNER_TYPE_INSTANCE = 'OWNER_TYPE_INSTANCE',
  OWNER_TYPE_ORG = 'OWNER_TYPE_ORG',
}

/** zitadel.object.v3alpha.Owner */
export class Owner {
  @ApiProperty({ enum: OwnerType, example: OwnerType.OWNER_TYPE_ORG }) type: OwnerType;
  @ApiProperty({ example: '69629023906488334' }) id: string;
}

/** zitadel.resources.object.v3alpha.Details */
export class Details {
  @ApiProperty({ example: '69629026806489455' }) id: string;
  @ApiPropertyOptional({ example: '2025-03-02T10:11:12.345Z', description: 'first change of the resource' })
  created?: string;
  @ApiProperty({ example: '2025-03-02T10:11:12.345Z', description: 'last change of the resource' }) changed: string;
  @ApiProperty({ type: Owner }) owner: Owner;
}

/** zitadel.resources.object.v3alpha.ListDetails */
export class ResourceListDetails {
  @ApiProperty({ example: '100', description: 'uint64 as a string: the limit used' }) appliedLimit: string;
  @ApiProperty({ example: '1', description: 'uint64 as a string: all matches' }) totalResult: string;
  @ApiProperty({ example: '2025-03-02T10:11:12.345Z' }) timestamp: string;
}

/** zitadel.resources.object.v3alpha.SearchQuery; over REST `?query.offset=&query.limit=&query.desc=`. */
export class SearchQuery {
  @ApiPropertyOptional({ example: '0', description: 'uint64: rows to skip' })
  @IsOptional()
  @Uint64()
  offset?: number;

  @ApiPropertyOptional({ example: 100, description: 'uint32: 0 = default (100), at most 1000' })
  @IsOptional()
  @Uint32()
  limit?: number;

  @ApiPropertyOptional({ description: 'descending order (default ascending)' })
  @IsOptional()
  @ProtoBool()
  desc?: boolean;
}

/** zitadel.object.v3alpha.Instance: accepted and ignored, as ZITADEL does (the instance is the served one). */
export class Instance {
  @ApiPropertyOptional() @IsOptional() @Runes(0, 200) id?: string;
  @ApiPropertyOptional() @IsOptional() @Runes(0, 200) domain?: string;

  @ApiHideProperty()
  @ExactlyOneOf(['id', 'domain'])
  readonly property?: never;
}

/** zitadel.object.v3alpha.Organization */
export class Organization {
  @ApiPropertyOptional({ example: '69629023906488334', maxLength: 200 })
  @IsOptional()
  @Runes(1, 200)
  orgId?: string;

  @ApiPropertyOptional({ description: 'not supported: organizations are opaque ids here' })
  @IsOptional()
  @Runes(1, 200)
  orgDomain?: string;

  @ApiHideProperty()
  @ExactlyOneOf(['orgId', 'orgDomain'])
  readonly property?: never;
}

export const TEXT_FILTER_METHODS = [
  'TEXT_FILTER_METHOD_EQUALS',
  'TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE',
  'TEXT_FILTER_METHOD_STARTS_WITH',
  'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE',
  'TEXT_FILTER_METHOD_CONTAINS',
] as const;
export type TextFilterMethod = (typeof TEXT_FILTER_METHODS)[number];

export const DEFAULT_SEARCH_LIMIT = 100;
