import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { Uint32, Uint64 } from '../validation/rules';

/** zitadel.v1.ObjectDetails; defaults are omitted as protojson does. */
export class ObjectDetails {
  @ApiProperty({ example: '2', description: 'uint64 as a string: grows by one per change' })
  sequence: string;

  @ApiPropertyOptional({ example: '2025-03-02T10:11:12.345Z' })
  creationDate?: string;

  @ApiPropertyOptional({ example: '2025-03-02T10:11:12.345Z' })
  changeDate?: string;

  @ApiProperty({ example: '69629023906488334', description: 'the instance id for instance-wide resources' })
  resourceOwner: string;
}

/** zitadel.v1.ListQuery */
export class ListQuery {
  @ApiPropertyOptional({ example: '0', description: 'uint64: rows to skip' })
  @IsOptional()
  @Uint64()
  offset?: number;

  @ApiPropertyOptional({ example: 100, description: 'uint32: 0 = default (1000), at most 1000' })
  @IsOptional()
  @Uint32()
  limit?: number;

  @ApiPropertyOptional({ description: 'ascending creation order when true' })
  @IsOptional()
  @IsBoolean()
  asc?: boolean;
}

/** zitadel.v1.ListDetails */
export class ListDetails {
  @ApiProperty({ example: '2', description: 'uint64 as a string' })
  totalResult: string;

  @ApiPropertyOptional({ example: '2', description: 'uint64 as a string' })
  processedSequence?: string;

  @ApiProperty({ example: '2025-03-02T10:11:12.345Z' })
  viewTimestamp: string;
}

export class ListQueryHolder {
  @ApiPropertyOptional({ type: ListQuery })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ListQuery)
  query?: ListQuery;
}

/** RFC 3339 in UTC, as protojson writes Timestamps. */
export function timestamp(date: Date): string {
  return date.toISOString();
}

export const MAX_QUERY_LIMIT = 1000;
