import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RestMetricsMiddleware } from './rest-metrics.middleware';
import { RestRpcNames } from './rest-rpc-names';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, RestRpcNames, RestMetricsMiddleware],
  exports: [MetricsService, RestRpcNames],
})
export class MetricsModule {}
