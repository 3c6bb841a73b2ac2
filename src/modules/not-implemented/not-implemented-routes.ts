import { Controller, RequestMapping, RequestMethod, Type, applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { unimplemented } from '../../common/errors/zitadel-error';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { HttpRule, httpRulesOf, routePathOf } from '../../grpc/http-rules';
import { isHandledRpc } from '../../grpc/zitadel-rpc.decorator';
import { zitadelApi } from '../../grpc/zitadel-descriptors';
import { Authenticated } from '../auth/authenticated.decorator';

export const NOT_IMPLEMENTED_TAG = 'Not implemented';

/** The same id and message as native gRPC and gRPC-web give an RPC without a handler. */
export function notImplementedError(rule: Pick<HttpRule, 'service' | 'rpc'>) {
  return unimplemented('GRPC-Unimplemented', `${rule.service}/${rule.rpc} is not implemented by this service`);
}

/** The HTTP rules of the served services whose RPC has no handler. */
export function notImplementedRules(): HttpRule[] {
  return httpRulesOf(zitadelApi().services).filter((rule) => !isHandledRpc(rule.service, rule.rpc));
}

const METHODS: Record<HttpRule['verb'], RequestMethod> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PUT: RequestMethod.PUT,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/**
 * A controller with one route per rule, each behind the same authentication
 * as every call (ZITADEL checks the token before it finds the RPC
 * unimplemented) and answering 501, code 12. Implemented routes keep winning
 * by construction: their RPCs are not among the rules, and Fastify's router
 * prefers literal segments over parameters whatever the order of registration.
 */
export function notImplementedController(rules: readonly HttpRule[]): Type {
  class NotImplementedRoutes {}
  const operationIds = new Set<string>();
  rules.forEach((rule, index) => {
    const key = `${rule.rpc}_${index}`;
    const handler = (): never => {
      throw notImplementedError(rule);
    };
    Object.defineProperty(NotImplementedRoutes.prototype, key, { value: handler, configurable: true, writable: true });
    let operationId = rule.rpc;
    for (let n = 2; operationIds.has(operationId); n++) operationId = `${rule.rpc}_${n}`;
    operationIds.add(operationId);
    const path = routePathOf(rule.template);
    const params = [...path.matchAll(/:(\w+)/g)].map(([, name]) => name);
    applyDecorators(
      RequestMapping({ path, method: METHODS[rule.verb] }),
      Authenticated(),
      ApiOperation({ operationId, summary: `Not implemented (${rule.service}/${rule.rpc})`, deprecated: true }),
      ApiResponse({ status: 501, description: 'Not implemented by this service (code 12)', type: ErrorResponse }),
      ...params.map((name) => ApiParam({ name, type: String })),
    )(NotImplementedRoutes.prototype, key, Object.getOwnPropertyDescriptor(NotImplementedRoutes.prototype, key)!);
  });
  applyDecorators(ApiTags(NOT_IMPLEMENTED_TAG), Controller())(NotImplementedRoutes);
  return NotImplementedRoutes;
}
