import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { ZitadelApi } from './zitadel-descriptors';

const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * Server reflection (v1 and v1alpha), so that grpcurl and similar tools can
 * list and describe the served services, including the health service.
 * ZITADEL's descriptors are given as they are; other services in the same
 * files (admin.proto imports management.proto) are not listed.
 */
export function reflectionFor(api: ZitadelApi): ReflectionService {
  const health = loadSync(healthProtoPath);
  const zitadel = { fileDescriptorProtos: api.fileDescriptorProtos.map((bytes) => Buffer.from(bytes)) };
  return new ReflectionService(
    { ...health, 'zitadel.descriptors': zitadel } as unknown as ConstructorParameters<typeof ReflectionService>[0],
    { services: [...api.services.map((service) => service.typeName), HEALTH_SERVICE] },
  );
}
