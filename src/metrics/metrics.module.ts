import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RestMetrics } from './rest-metrics.hook';
import { RestRpcNames } from './rest-rpc-names';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, RestRpcNames, RestMetrics],
  exports: [MetricsService, RestRpcNames, RestMetrics],
})
export class MetricsModule {}
