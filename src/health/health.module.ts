import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

/** /healthz, /readyz and the ReadinessService the gRPC health service reports from. */
@Module({
  // terminus logs every failed check as an error; ReadinessService logs changes of readiness instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ReadinessService],
  exports: [ReadinessService],
})
export class HealthModule {}
