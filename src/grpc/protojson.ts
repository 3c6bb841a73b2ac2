import { DescMessage, JsonValue, Message, MessageShape, fromJsonString, toJson } from '@bufbuild/protobuf';
import { zitadelApi } from './zitadel-descriptors';

/**
 * The one conversion between protobuf messages and the protojson-shaped plain
 * objects the application services speak (the same JSON the REST side reads
 * and writes): camelCase, int64 as strings, enums as names, Timestamps as
 * RFC 3339, Struct as plain JSON.
 *
 * Requests emit implicit fields even at their default value: in protobuf an
 * empty `token` and a missing one are the same thing, and protoc-gen-validate
 * judges that value ("" is too short). With defaults omitted, validation would
 * see "missing" where REST clients get "too short"; this way both transports
 * reach the same rule and the same error id.
 */
export function requestToProtoJson(message: Message): JsonValue {
  const { registry } = zitadelApi();
  const schema = registry.getMessage(message.$typeName);
  if (!schema) throw new Error(`unknown request message ${message.$typeName}`);
  return toJson(schema, message, { alwaysEmitImplicit: true, registry });
}

/**
 * A service result as the response message. Going through JSON text makes
 * the gRPC answer exactly the REST body (undefined members vanish, as they do
 * there); an unknown field is our bug and fails loudly instead of being dropped.
 */
export function responseFromProtoJson<Desc extends DescMessage>(schema: Desc, result: unknown): MessageShape<Desc> {
  return fromJsonString(schema, JSON.stringify(result ?? {}), { registry: zitadelApi().registry });
}
