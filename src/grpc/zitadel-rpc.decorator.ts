import { CallHandler, ExecutionContext, NestInterceptor, UseFilters, UseInterceptors, applyDecorators, createParamDecorator } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { DescMessage, Message } from '@bufbuild/protobuf';
import { Observable, map } from 'rxjs';
import { GrpcExceptionFilter } from '../common/errors/grpc-exception.filter';
import { Authenticated } from '../modules/auth/authenticated.decorator';
import { requestToProtoJson, responseFromProtoJson } from './protojson';
import { SERVED_RPC, rpcAuthRequirement } from './rpc-permission';
import { ZitadelServiceName, zitadelMethod } from './zitadel-descriptors';

/**
 * Declares a handler of one of ZITADEL's RPCs, for native gRPC and gRPC-web
 * alike: who may call it (the RPC's own auth option, as for REST), the gRPC error
 * rendering, and the conversion of the result into the RPC's response message.
 * The method name is checked against ZITADEL's descriptors at start-up.
 *
 *   @ZitadelRpc(ZitadelService.Admin, 'GetSMSProvider')
 *   get(@CurrentPrincipal() caller: Principal, @RpcRequest() request: unknown) {
 *     return this.sms.get(caller, request);
 *   }
 */
export function ZitadelRpc(service: ZitadelServiceName, method: string): MethodDecorator {
  const descriptor = zitadelMethod(service, method);
  handled.add(rpcKey(service, method));
  return applyDecorators(
    // Keyed by the full service name: ServerGrpc tries the name relative to the
    // package first, then the one in the method path, which is this one.
    GrpcMethod(service, method),
    SERVED_RPC({ service, method }),
    Authenticated(rpcAuthRequirement(service, method)),
    // The class, not an instance: Nest builds it with the OutageReporter it needs.
    UseFilters(GrpcExceptionFilter),
    UseInterceptors(new ResponseMessage(descriptor.output)),
  );
}

const handled = new Set<string>();

function rpcKey(service: string, method: string): string {
  return `${service}/${method}`;
}

/**
 * Whether a handler declared itself for the RPC with @ZitadelRpc (decorators
 * run as the handler classes load, before any module is built). REST
 * controllers serve the same RPCs as their gRPC twins.
 */
export function isHandledRpc(service: string, method: string): boolean {
  return handled.has(rpcKey(service, method));
}

/** The request as a protojson-shaped plain object, the form the application services take. */
export const RpcRequest = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestToProtoJson(context.switchToRpc().getData<Message>()),
);

class ResponseMessage implements NestInterceptor {
  constructor(private readonly schema: DescMessage) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<Message> {
    return next.handle().pipe(map((result: unknown) => responseFromProtoJson(this.schema, result)));
  }
}
