import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { ChannelCredentials, Client, GrpcObject, ServiceClientConstructor, loadPackageDefinition, makeGenericClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ReadinessService } from '../src/health/readiness.service';
import { TestApp } from './support/test-app';

const SERVED = [
  'zitadel.admin.v1.AdminService',
  'zitadel.resources.user.v3alpha.ZITADELUsers',
  'zitadel.resources.userschema.v3alpha.ZITADELUserSchemas',
];

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** One request on the reflection stream, as grpcurl sends them. */
function reflect(client: Client, request: Record<string, string>): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = (client as unknown as { ServerReflectionInfo(): NodeJS.ReadWriteStream & { write(r: object): void; end(): void } }).ServerReflectionInfo();
    stream.on('data', (response: ReflectionResponse) => {
      resolve(response);
      stream.end();
    });
    stream.on('error', reject);
    stream.write(request);
  });
}

/**
 * The files describing a symbol, as grpcurl gathers them: file_containing_symbol,
 * then file_by_filename for every import not yet received.
 */
async function reflectFiles(client: Client, symbol: string) {
  const files = new Map<string, FileDescriptorProto>();
  const decode = (bytes: Buffer) => fromBinary(FileDescriptorProtoSchema, bytes);
  const add = (response: ReflectionResponse) => response.file_descriptor_response!.file_descriptor_proto.map(decode).forEach((f) => files.set(f.name, f));
  add(await reflect(client, { file_containing_symbol: symbol }));
  for (let missing = [...files.values()].flatMap((f) => f.dependency).filter((d) => !files.has(d)); missing.length > 0; ) {
    add(await reflect(client, { file_by_filename: missing[0] }));
    missing = [...files.values()].flatMap((f) => f.dependency).filter((d) => !files.has(d));
  }
  return files;
}

function dependenciesFirst(files: Map<string, FileDescriptorProto>): FileDescriptorProto[] {
  const ordered: FileDescriptorProto[] = [];
  const visit = (name: string) => {
    const file = files.get(name)!;
    if (ordered.includes(file)) return;
    file.dependency.forEach(visit);
    ordered.push(file);
  };
  [...files.keys()].forEach(visit);
  return ordered;
}

describe('gRPC tooling: server reflection and the health service', () => {
  let t: TestApp;
  let reflection: Client;
  let health: Client & { check(request: object, callback: (error: (Error & { code?: number }) | null, response?: { status: string }) => void): void };

  beforeAll(async () => {
    t = await TestApp.start();
    const reflectionProto = join(require.resolve('@grpc/reflection/package.json'), '..', 'build/proto/grpc/reflection/v1/reflection.proto');
    const grpcPackage = loadPackageDefinition(loadSync(reflectionProto, { keepCase: true })) as GrpcObject;
    const Reflection = ((grpcPackage.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject;
    reflection = new (Reflection.ServerReflection as ServiceClientConstructor)(t.grpcUrl, ChannelCredentials.createInsecure());
    const Health = makeGenericClientConstructor(healthService as never, 'grpc.health.v1.Health');
    health = new Health(t.grpcUrl, ChannelCredentials.createInsecure()) as unknown as typeof health;
  });
  afterAll(async () => {
    reflection?.close();
    health?.close();
    await t.close();
  });

  const check = (service: string) =>
    new Promise<{ status?: string; code?: number }>((resolve) =>
      health.check({ service }, (error, response) => resolve(error ? { code: error.code } : { status: response!.status })),
    );

  it('lists the served services and the health service (grpcurl list)', async () => {
    const response = await reflect(reflection, { list_services: '' });
    expect(response.list_services_response!.service.map((s) => s.name).sort()).toEqual([...SERVED, 'grpc.health.v1.Health'].sort());
  });

  it('describes an RPC with ZITADEL\'s messages (grpcurl describe)', async () => {
    const files = await reflectFiles(reflection, 'zitadel.admin.v1.AdminService');
    expect([...files.keys()]).toEqual(expect.arrayContaining(['zitadel/admin.proto', 'zitadel/settings.proto', 'google/protobuf/timestamp.proto']));

    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: dependenciesFirst(files) }));
    const rotate = registry.getService('zitadel.admin.v1.AdminService')!.methods.find((m) => m.name === 'UpdateSMSProviderTwilioToken')!;
    expect(rotate.input.typeName).toBe('zitadel.admin.v1.UpdateSMSProviderTwilioTokenRequest');
    expect(rotate.input.fields.map((f) => f.name)).toEqual(['id', 'token']);
    // The HTTP provider's signing key, which @zitadel/proto 1.3.1 lacks, is part of what is served.
    expect(registry.getMessage('zitadel.admin.v1.AddSMSProviderHTTPResponse')!.fields.map((f) => f.name)).toEqual(['details', 'id', 'signing_key']);
  });

  it('answers for an unknown symbol with NOT_FOUND', async () => {
    const response = await reflect(reflection, { file_containing_symbol: 'no.such.Service' });
    expect(response.error_response!.error_code).toBe(5);
  });

  it('reports SERVING for the server and each service while the database answers', async () => {
    expect(await check('')).toEqual({ status: 'SERVING' });
    for (const name of SERVED) expect(await check(name)).toEqual({ status: 'SERVING' });
    expect(await check('no.such.Service')).toEqual({ code: 5 });
  });

  it('follows readiness (/readyz): NOT_SERVING while a check another module added fails', async () => {
    let healthy = false;
    t.app.get(ReadinessService).addCheck('grpc-test', async () => {
      if (!healthy) throw new Error('not yet');
    });
    expect(await check('')).toEqual({ status: 'NOT_SERVING' });
    expect(await check('zitadel.resources.user.v3alpha.ZITADELUsers')).toEqual({ status: 'NOT_SERVING' });
    expect((await t.request('GET', '/readyz')).status).toBe(503);
    healthy = true;
    expect(await check('')).toEqual({ status: 'SERVING' });
  });

  it('reports NOT_SERVING while the database does not answer, and SERVING again after', async () => {
    const dataSource = t.app.get(DataSource);
    await dataSource.destroy();
    try {
      expect(await check('')).toEqual({ status: 'NOT_SERVING' });
      expect(await check('zitadel.admin.v1.AdminService')).toEqual({ status: 'NOT_SERVING' });
    } finally {
      await dataSource.initialize();
    }
    expect(await check('')).toEqual({ status: 'SERVING' });
  });
});
