import { Module } from '@nestjs/common';
import { SmsProviderRepository } from './sms-provider.repository';
import { SmsProvidersController } from './sms-providers.controller';
import { SmsProvidersGrpc } from './sms-providers.grpc';
import { SmsProvidersService } from './sms-providers.service';

@Module({
  controllers: [SmsProvidersController, SmsProvidersGrpc],
  providers: [SmsProvidersService, SmsProviderRepository],
  exports: [SmsProvidersService, SmsProviderRepository],
})
export class SmsModule {}
