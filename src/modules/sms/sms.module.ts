import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ActiveSmsProviderPort } from './active-sms-provider.port';
import { SmsEndpointPolicy } from './sms-endpoint-policy';
import { SmsProviderRepository } from './sms-provider.repository';
import { SmsProvidersController } from './sms-providers.controller';
import { SmsProvidersGrpc } from './sms-providers.grpc';
import { SmsProvidersService } from './sms-providers.service';

@Module({
  imports: [AuthModule],
  controllers: [SmsProvidersController, SmsProvidersGrpc],
  providers: [SmsProvidersService, SmsProviderRepository, SmsEndpointPolicy, ActiveSmsProviderPort],
  // Delivery reads the providers through the port alone; their rows and secrets stay inside this module.
  exports: [ActiveSmsProviderPort],
})
export class SmsModule {}
