import { DescFile, DescMethod, DescService, FileRegistry, create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { patchDescriptors } from './descriptor-patches';

/** The gRPC services this server speaks, by their full protobuf names. */
export const ZitadelService = {
  Admin: 'zitadel.admin.v1.AdminService',
  Users: 'zitadel.resources.user.v3alpha.ZITADELUsers',
  UserSchemas: 'zitadel.resources.userschema.v3alpha.ZITADELUserSchemas',
} as const;
export type ZitadelServiceName = (typeof ZitadelService)[keyof typeof ZitadelService];

/** Where @zitadel/proto defines each served service. */
const SERVICE_MODULES: Record<ZitadelServiceName, { module: string; file: string }> = {
  [ZitadelService.Admin]: { module: 'zitadel/admin_pb', file: 'file_zitadel_admin' },
  [ZitadelService.Users]: { module: 'zitadel/resources/user/v3alpha/user_service_pb', file: 'file_zitadel_resources_user_v3alpha_user_service' },
  [ZitadelService.UserSchemas]: {
    module: 'zitadel/resources/userschema/v3alpha/user_schema_service_pb',
    file: 'file_zitadel_resources_userschema_v3alpha_user_schema_service',
  },
};

export interface ZitadelApi {
  /** Every file the served services need, ZITADEL's and Google's, patched (descriptor-patches.ts). */
  registry: FileRegistry;
  services: readonly DescService[];
  /** The serialized FileDescriptorProtos, for server reflection. */
  fileDescriptorProtos: readonly Uint8Array[];
}

let api: ZitadelApi | undefined;

/**
 * ZITADEL's API descriptors, straight from @zitadel/proto (no copied .proto
 * files). Built once: the files are re-read into this process's protobuf-es
 * (the package's ESM build may load a second copy of it) and extended with
 * the fields that 1.3.1 lacks.
 */
export function zitadelApi(): ZitadelApi {
  if (api) return api;
  const files = new Map<string, FileDescriptorProto>();
  const collect = (file: DescFile): void => {
    if (files.has(file.proto.name)) return;
    file.dependencies.forEach(collect);
    // A copy in this process's protobuf-es, safe to patch.
    files.set(file.proto.name, fromBinary(FileDescriptorProtoSchema, toBinary(FileDescriptorProtoSchema, file.proto)));
  };
  for (const { module, file } of Object.values(SERVICE_MODULES)) {
    collect(loadZitadelProto(module)[file] as DescFile);
  }
  patchDescriptors(files);

  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [...files.values()] }));
  const services = Object.keys(SERVICE_MODULES).map((name) => {
    const service = registry.getService(name);
    if (!service) throw new Error(`@zitadel/proto does not define ${name}`);
    return service;
  });
  api = {
    registry,
    services,
    fileDescriptorProtos: [...files.values()].map((file) => toBinary(FileDescriptorProtoSchema, file)),
  };
  return api;
}

/** One RPC of a served service; throws at start-up for a name ZITADEL does not have. */
export function zitadelMethod(service: ZitadelServiceName, method: string): DescMethod {
  const found = zitadelApi().registry.getService(service)?.methods.find((m) => m.name === method);
  if (!found) throw new Error(`${service} has no RPC named ${method}`);
  return found;
}

/**
 * Loads a module of @zitadel/proto's ES build by path. Its CommonJS build
 * cannot be required (the package says "type": "module" but cjs/ has no
 * package.json of its own); Node 20.19+ can require() the ES modules, and
 * Jest transforms them.
 */
function loadZitadelProto(module: string): Record<string, unknown> {
  const requireHere = createRequire(__filename);
  const packageRoot = join(dirname(requireHere.resolve('@zitadel/proto/zitadel/admin_pb')), '..', '..');
  return requireHere(join(packageRoot, 'es', `${module}.js`)) as Record<string, unknown>;
}
