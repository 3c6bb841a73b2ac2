import { Module } from '@nestjs/common';
import { GrpcHealth } from './grpc-health';

/** Providers of the gRPC listener that need the container (the health service asks ReadinessService). */
@Module({
  providers: [GrpcHealth],
  exports: [GrpcHealth],
})
export class GrpcModule {}
