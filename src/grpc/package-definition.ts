import { DescMessage, DescService, Message, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { MethodDefinition } from '@grpc/grpc-js';

/** grpc-js's PackageDefinition, restricted to services: full service name → method name → definition. */
export type GrpcPackageDefinition = Record<string, Record<string, MethodDefinition<Message, Message>>>;

/**
 * A grpc-js package definition whose (de)serializers are protobuf-es, built
 * from ZITADEL's descriptors. Handlers receive protobuf-es messages: Struct
 * fields as plain JSON, int64 as bigint, oneofs as {case, value} (unlike
 * @grpc/proto-loader, which would hand out snake_case and Struct entries).
 */
export function packageDefinitionOf(services: readonly DescService[]): GrpcPackageDefinition {
  const definition: GrpcPackageDefinition = {};
  for (const service of services) {
    const methods: Record<string, MethodDefinition<Message, Message>> = {};
    for (const method of service.methods) {
      methods[method.name] = {
        path: `/${service.typeName}/${method.name}`,
        requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
        responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
        requestSerialize: serializer(method.input),
        requestDeserialize: deserializer(method.input),
        responseSerialize: serializer(method.output),
        responseDeserialize: deserializer(method.output),
      };
    }
    definition[service.typeName] = methods;
  }
  return definition;
}

function serializer(schema: DescMessage): (message: Message) => Buffer {
  // A partial object is accepted too, as grpc-js clients send them.
  return (message) => Buffer.from(toBinary(schema, message.$typeName === schema.typeName ? message : create(schema, message)));
}

function deserializer(schema: DescMessage): (bytes: Buffer) => Message {
  return (bytes) => fromBinary(schema, bytes);
}
