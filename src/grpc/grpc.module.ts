import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { GrpcHealth } from './grpc-health';

/** Providers of the gRPC listener that need the container (the health service asks ReadinessService). */
@Module({
  imports: [HealthModule],
  providers: [GrpcHealth],
  exports: [GrpcHealth],
})
export class GrpcModule {}
