import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { ListQueryHolder } from '../../../common/dto/object-details.dto';
import { Runes } from '../../../common/validation/rules';

/**
 * Request messages of zitadel.admin.v1's SMS-provider RPCs. Class names are the
 * protobuf message names: validation errors name them as ZITADEL does
 * ("invalid UpdateSMSProviderTwilioTokenRequest.Token: …").
 */

class ProviderIdRequest {
  @ApiProperty({ example: '284603126754344963' })
  @Runes(1, 200)
  id: string;
}

export class ListSMSProvidersRequest extends ListQueryHolder {}

export class GetSMSProviderRequest {
  @ApiProperty()
  @Runes(1, 100)
  id: string;
}

export class AddSMSProviderTwilioRequest {
  @ApiProperty({ example: 'AC123', maxLength: 200 })
  @Runes(1, 200)
  sid: string;

  @ApiProperty({ example: 's3cr3t', maxLength: 200, description: 'Twilio auth token; stored encrypted, never returned' })
  @Runes(1, 200)
  token: string;

  @ApiPropertyOptional({ example: '+41791234567', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  senderNumber?: string;

  @ApiPropertyOptional({ example: 'main', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  description?: string;

  @ApiPropertyOptional({ example: 'VA456', maxLength: 200, description: 'Twilio Verify service; when set, Verify sends and checks phone codes' })
  @IsOptional()
  @Runes(0, 200)
  verifyServiceSid?: string;
}

export class UpdateSMSProviderTwilioRequest extends ProviderIdRequest {
  @ApiProperty({ example: 'AC123', maxLength: 200 })
  @Runes(1, 200)
  sid: string;

  @ApiPropertyOptional({ example: '+41791234567', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  senderNumber?: string;

  @ApiPropertyOptional({ example: 'main', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  description?: string;

  @ApiPropertyOptional({ example: 'VA456', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  verifyServiceSid?: string;
}

export class UpdateSMSProviderTwilioTokenRequest extends ProviderIdRequest {
  @ApiProperty({ example: 'new-twilio-auth-token', minLength: 1, maxLength: 200 })
  @Runes(1, 200)
  token: string;
}

const HttpUrl = () =>
  ValidateBy({
    name: 'httpUrl',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          const url = new URL(value);
          return url.protocol === 'http:' || url.protocol === 'https:';
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'value must be an absolute http or https URL',
    },
  });

export class AddSMSProviderHTTPRequest {
  @ApiProperty({ example: 'https://relay.example.com/sms', maxLength: 2048 })
  @Runes(1, 2048)
  @HttpUrl()
  endpoint: string;

  @ApiPropertyOptional({ example: 'relay', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  description?: string;
}

export class UpdateSMSProviderHTTPRequest extends ProviderIdRequest {
  @ApiProperty({ example: 'https://relay.example.com/sms', maxLength: 2048 })
  @Runes(1, 2048)
  @HttpUrl()
  endpoint: string;

  @ApiPropertyOptional({ example: 'relay', maxLength: 200 })
  @IsOptional()
  @Runes(0, 200)
  description?: string;

  @ApiPropertyOptional({
    example: '0s',
    description: 'google.protobuf.Duration; when present the signing key is rotated at once and the new one returned',
  })
  @IsOptional()
  @IsString()
  @Matches(/^-?\d{1,12}(\.\d{1,9})?s$/, { message: 'value must be a duration such as "0s"' })
  expirationSigningKey?: string;
}

export class ActivateSMSProviderRequest extends ProviderIdRequest {}
export class DeactivateSMSProviderRequest extends ProviderIdRequest {}
export class RemoveSMSProviderRequest extends ProviderIdRequest {}
