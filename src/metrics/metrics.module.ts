import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RestRpcNames } from './rest-rpc-names';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, RestRpcNames],
  exports: [MetricsService, RestRpcNames],
})
export class MetricsModule {}
