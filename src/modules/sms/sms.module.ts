import { Module } from '@nestjs/common';
import { SmsEndpointPolicy } from './sms-endpoint-policy';
import { SmsProviderRepository } from './sms-provider.repository';
import { SmsProvidersController } from './sms-providers.controller';
import { SmsProvidersGrpc } from './sms-providers.grpc';
import { SmsProvidersService } from './sms-providers.service';

@Module({
  controllers: [SmsProvidersController, SmsProvidersGrpc],
  providers: [SmsProvidersService, SmsProviderRepository, SmsEndpointPolicy],
  exports: [SmsProvidersService, SmsProviderRepository, SmsEndpointPolicy],
})
export class SmsModule {}
