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

/**
 * What a request that is not valid protobuf of its RPC deserializes to. A
 * throwing deserializer would make grpc-js answer INTERNAL without details
 * (as grpc-go does for ZITADEL); the server answers INVALID_ARGUMENT in
 * ZITADEL's error shape instead, because bad input is never a server error.
 */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

function deserializer(schema: DescMessage): (bytes: Buffer) => Message {
  return (bytes) => {
    try {
      return fromBinary(schema, bytes);
    } catch (error) {
      // Also a RangeError: deeply nested groups overflow protobuf-es's recursive reader.
      return new UndecodableRequest(error instanceof Error ? error.message : String(error)) as unknown as Message;
    }
  };
}
