import { ApiProperty } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ example: 'type.googleapis.com/zitadel.v1.ErrorDetail', name: '@type' })
  '@type': string;

  @ApiProperty({ example: 'COMMAND-ij3NhEHATp', description: 'Stable error id' })
  id: string;

  @ApiProperty({ example: 'SMS configuration not found' })
  message: string;
}

/** google.rpc.Status as ZITADEL's gateway writes it. */
export class ErrorResponse {
  @ApiProperty({ example: 5, description: 'gRPC status code' })
  code: number;

  @ApiProperty({ example: 'SMS configuration not found (COMMAND-ij3NhEHATp)' })
  message: string;

  @ApiProperty({ type: [ErrorDetail] })
  details: ErrorDetail[];
}
