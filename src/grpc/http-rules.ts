import { DescExtension, DescService, Message, getOption } from '@bufbuild/protobuf';
import { zitadelApi } from './zitadel-descriptors';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One HTTP binding (google.api.http option, or one of its additional_bindings) of an RPC. */
export interface HttpRule {
  service: string;
  rpc: string;
  verb: HttpVerb;
  /** The path template with the service's base path, as the descriptors write them: `/admin/v1/sms/{id}`, `/v1/{name=**}`. */
  template: string;
}

/** The part of grpc-gateway's OpenAPI file option read here: where the gateway mounts the file's services. */
interface OpenApiFileOption extends Message {
  basePath: string;
}

/** google.api.HttpRule, the fields read here (the message type comes from the registry, not from generated code). */
interface HttpRuleShape extends Message {
  pattern: { case: string | undefined; value?: unknown };
  additionalBindings: HttpRuleShape[];
}

const VERBS: Record<string, HttpVerb> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };

/** Every HTTP binding of the given services' RPCs, read from ZITADEL's descriptors. */
export function httpRulesOf(services: readonly DescService[]): HttpRule[] {
  const { registry } = zitadelApi();
  const extension = registry.getExtension('google.api.http') as DescExtension | undefined;
  const openApi = registry.getExtension('grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger') as DescExtension | undefined;
  if (!extension || !openApi) throw new Error("ZITADEL's descriptors lack google.api.http or the OpenAPI file option");
  const rules: HttpRule[] = [];
  for (const service of services) {
    const basePath = (getOption(service.file, openApi) as unknown as OpenApiFileOption | undefined)?.basePath.replace(/\/+$/, '') ?? '';
    for (const method of service.methods) {
      const option = getOption(method, extension) as unknown as HttpRuleShape | undefined;
      if (!option) continue;
      for (const binding of [option, ...option.additionalBindings]) {
        const verb = VERBS[binding.pattern.case ?? ''];
        if (verb && typeof binding.pattern.value === 'string') rules.push({ service: service.typeName, rpc: method.name, verb, template: basePath + binding.pattern.value });
      }
    }
  }
  return rules;
}

/**
 * A path template as a Fastify route path: `{id}` and `{id=*}` become `:id`;
 * a variable with a longer pattern (`{name=projects/*}`) its literal segments
 * with parameters for the stars; `**` (the rest of the path) Fastify's `*`.
 * Anything else in the template is taken literally.
 */
export function routePathOf(template: string): string {
  return template.replace(/\{([\w.]+)(?:=([^}]*))?\}/g, (_whole, name: string, pattern: string | undefined) => {
    const param = name.replace(/\./g, '_');
    if (pattern === undefined || pattern === '*') return `:${param}`;
    let stars = 0;
    return pattern
      .split('/')
      .map((segment) => {
        if (segment === '**') return '*';
        if (segment === '*') return `:${param}${stars++ === 0 ? '' : stars}`;
        return segment;
      })
      .join('/');
  });
}
