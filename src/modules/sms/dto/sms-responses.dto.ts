import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ListDetails, ObjectDetails } from '../../../common/dto/object-details.dto';

export enum SMSProviderConfigState {
  SMS_PROVIDER_CONFIG_STATE_UNSPECIFIED = 'SMS_PROVIDER_CONFIG_STATE_UNSPECIFIED',
  SMS_PROVIDER_CONFIG_ACTIVE = 'SMS_PROVIDER_CONFIG_ACTIVE',
  SMS_PROVIDER_CONFIG_INACTIVE = 'SMS_PROVIDER_CONFIG_INACTIVE',
}

export class TwilioConfig {
  @ApiProperty({ example: 'AC123' }) sid: string;
  @ApiPropertyOptional({ example: '+41791234567' }) senderNumber?: string;
  @ApiPropertyOptional({ example: 'VA456' }) verifyServiceSid?: string;
}

export class HTTPConfig {
  @ApiProperty({ example: 'https://relay.example.com/sms' }) endpoint: string;
}

/** zitadel.settings.v1.SMSProvider: the token and signing key are never returned. */
export class SMSProvider {
  @ApiProperty({ type: ObjectDetails }) details: ObjectDetails;
  @ApiProperty({ example: '284603126754344963' }) id: string;
  @ApiProperty({ enum: SMSProviderConfigState }) state: SMSProviderConfigState;
  @ApiPropertyOptional({ example: 'main' }) description?: string;
  @ApiPropertyOptional({ type: TwilioConfig }) twilio?: TwilioConfig;
  @ApiPropertyOptional({ type: HTTPConfig }) http?: HTTPConfig;
}

export class DetailsResponse {
  @ApiProperty({ type: ObjectDetails }) details: ObjectDetails;
}

export class ListSMSProvidersResponse {
  @ApiProperty({ type: ListDetails }) details: ListDetails;
  @ApiProperty({ type: [SMSProvider] }) result: SMSProvider[];
}

export class GetSMSProviderResponse {
  @ApiProperty({ type: SMSProvider }) config: SMSProvider;
}

export class AddSMSProviderTwilioResponse extends DetailsResponse {
  @ApiProperty({ example: '284603126754344963' }) id: string;
}

export class AddSMSProviderHTTPResponse extends DetailsResponse {
  @ApiProperty({ example: '284603126754344963' }) id: string;
  @ApiProperty({ description: 'signing key for the ZITADEL-Signature header; returned only here, once' })
  signingKey: string;
}

export class UpdateSMSProviderHTTPResponse extends DetailsResponse {
  @ApiPropertyOptional({ description: 'the new signing key, when expirationSigningKey rotated it' })
  signingKey?: string;
}
