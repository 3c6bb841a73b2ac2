import { Global, Logger, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { resolveMasterKey } from './master-key';
import { SecretBox } from './secret-box';

/** The master key in force: MASTER_KEY, or the generated one of the embedded defaults. */
export const MASTER_KEY = Symbol('MASTER_KEY');

@Global()
@Module({
  providers: [
    {
      provide: MASTER_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('EmbeddedDefaults');
        return resolveMasterKey(config, (line) => logger.warn(line));
      },
    },
    { provide: SecretBox, inject: [MASTER_KEY], useFactory: (masterKey: string) => new SecretBox(masterKey) },
  ],
  exports: [MASTER_KEY, SecretBox],
})
export class CryptoModule {}
