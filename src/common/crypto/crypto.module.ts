import { Global, Logger, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { resolveMasterKey } from './master-key';
import { SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('EmbeddedDefaults');
        return new SecretBox(resolveMasterKey(config, (line) => logger.warn(line)));
      },
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
