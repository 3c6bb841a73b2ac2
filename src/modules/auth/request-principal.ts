import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Principal } from './principal';

/**
 * Where the guard leaves the verified caller: on the HTTP request object, or
 * for gRPC keyed by the call's metadata object (grpc-js metadata cannot carry
 * objects).
 */
const rpcPrincipals = new WeakMap<object, Principal>();

export interface TokenCarrier {
  headers: { authorization?: string };
  user?: Principal;
}

export function tokenCarrierOf(context: ExecutionContext): TokenCarrier {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<TokenCarrier>();
  const metadata = context.switchToRpc().getContext<{ get?(key: string): unknown[] }>();
  const value = metadata?.get?.('authorization')?.[0];
  return { headers: { authorization: typeof value === 'string' ? value : undefined } };
}

export function attachPrincipal(context: ExecutionContext, carrier: TokenCarrier, principal: Principal): void {
  carrier.user = principal;
  if (context.getType() === 'rpc') {
    const metadata = context.switchToRpc().getContext<object>();
    if (metadata) rpcPrincipals.set(metadata, principal);
  }
}

export function principalOf(context: ExecutionContext): Principal {
  const principal =
    context.getType() === 'http'
      ? context.switchToHttp().getRequest<TokenCarrier>().user
      : rpcPrincipals.get(context.switchToRpc().getContext<object>());
  if (!principal) throw new Error('no principal: the handler is missing @Authenticated()');
  return principal;
}

/** The verified caller of this request; needs @Authenticated() on the handler. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => principalOf(context));
