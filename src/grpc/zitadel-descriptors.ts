import { DescMethod, DescService, FileRegistry, create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { execFileSync } from 'node:child_process';
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
 * files), extended with the fields that 1.3.1 lacks. Built once.
 */
export function zitadelApi(): ZitadelApi {
  if (api) return api;
  const files = new Map<string, FileDescriptorProto>();
  for (const file of readZitadelDescriptors()) files.set(file.name, file);
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
 * The served services' files and every file they import, dependencies first,
 * read from @zitadel/proto's ES build by a short-lived node process. Loading
 * those modules here would keep them for good (a module cannot be unloaded):
 * the admin service alone pulls in most of ZITADEL's API (in a bare process
 * 22 MB of heap and 69 MB of RSS, against 10.5 and 36 MB for the registry
 * built from the 0.7 MB of descriptors the served services need). The
 * package's CommonJS build cannot be required (it says "type": "module" but
 * cjs/ has no package.json of its own); Node 20.19+ can require() the ES
 * modules.
 */
function readZitadelDescriptors(): FileDescriptorProto[] {
  const packageRoot = join(dirname(require.resolve('@zitadel/proto/zitadel/admin_pb')), '..', '..');
  const request = {
    modules: Object.values(SERVICE_MODULES).map(({ module, file }) => ({ path: join(packageRoot, 'es', `${module}.js`), file })),
    protobuf: require.resolve('@bufbuild/protobuf'),
    wkt: require.resolve('@bufbuild/protobuf/wkt'),
  };
  let output: Buffer;
  try {
    output = execFileSync(process.execPath, ['-e', DESCRIPTOR_DUMP, JSON.stringify(request)], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(`could not read ZITADEL's descriptors from @zitadel/proto: ${stderr || (error as Error).message}`);
  }
  return fromBinary(FileDescriptorSetSchema, output).file;
}

/** Run by readZitadelDescriptors: writes one FileDescriptorSet to stdout. */
const DESCRIPTOR_DUMP = `
const request = JSON.parse(process.argv[1]);
const { create, toBinary } = require(request.protobuf);
const { FileDescriptorSetSchema } = require(request.wkt);
const files = new Map();
const collect = (file) => {
  if (files.has(file.proto.name)) return;
  file.dependencies.forEach(collect);
  files.set(file.proto.name, file.proto);
};
for (const { path, file } of request.modules) collect(require(path)[file]);
process.stdout.write(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: [...files.values()] })));
`;
