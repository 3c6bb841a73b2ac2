import { create } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProto,
  OneofDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';

interface AddedField {
  file: string;
  message: string;
  name: string;
  jsonName: string;
  number: number;
  type: FieldDescriptorProto_Type;
  typeName?: string;
  /** proto3 `optional` (presence tracked through a synthetic oneof). */
  optional?: boolean;
}

/**
 * Fields ZITADEL added to the HTTP SMS provider after @zitadel/proto 1.3.1 (its
 * newest release) was published; @zitadel/node 3.0.28 has them, with these
 * numbers (zitadel/admin.proto in ZITADEL's repository). Without them an HTTP provider's signing key
 * could never reach a gRPC client, and `expirationSigningKey` could not be
 * sent. A descriptor that already has a field number is left alone, so a newer
 * @zitadel/proto makes this list a no-op.
 */
const ADDED_FIELDS: readonly AddedField[] = [
  { file: 'zitadel/admin.proto', message: 'AddSMSProviderHTTPResponse', name: 'signing_key', jsonName: 'signingKey', number: 3, type: FieldDescriptorProto_Type.STRING },
  {
    file: 'zitadel/admin.proto',
    message: 'UpdateSMSProviderHTTPRequest',
    name: 'expiration_signing_key',
    jsonName: 'expirationSigningKey',
    number: 4,
    type: FieldDescriptorProto_Type.MESSAGE,
    typeName: '.google.protobuf.Duration',
  },
  {
    file: 'zitadel/admin.proto',
    message: 'UpdateSMSProviderHTTPResponse',
    name: 'signing_key',
    jsonName: 'signingKey',
    number: 2,
    type: FieldDescriptorProto_Type.STRING,
    optional: true,
  },
  { file: 'zitadel/settings.proto', message: 'HTTPConfig', name: 'signing_key', jsonName: 'signingKey', number: 2, type: FieldDescriptorProto_Type.STRING },
];

/** Adds the missing fields to the (copied) file descriptors, in place. */
export function patchDescriptors(files: ReadonlyMap<string, FileDescriptorProto>): void {
  for (const added of ADDED_FIELDS) {
    const file = files.get(added.file);
    const message = file?.messageType.find((m) => m.name === added.message);
    if (!message) throw new Error(`descriptor patch: ${added.file} has no message ${added.message}`);
    if (message.field.some((f) => f.number === added.number)) continue;

    const field = create(FieldDescriptorProtoSchema, {
      name: added.name,
      jsonName: added.jsonName,
      number: added.number,
      label: FieldDescriptorProto_Label.OPTIONAL,
      type: added.type,
      typeName: added.typeName,
    });
    if (added.optional) {
      // Synthetic oneofs come after the real ones, as protoc writes them.
      field.proto3Optional = true;
      field.oneofIndex = message.oneofDecl.length;
      message.oneofDecl.push(create(OneofDescriptorProtoSchema, { name: `_${added.name}` }));
    }
    message.field.push(field);
  }
}
