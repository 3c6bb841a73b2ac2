import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Maps an Express route (method + path pattern) to the operationId the OpenAPI
 * document gives it, which is ZITADEL's RPC name. Filled once at start-up.
 */
@Injectable()
export class RestRpcNames {
  private readonly names = new Map<string, string>();

  learn(document: OpenAPIObject): void {
    for (const [path, item] of Object.entries(document.paths)) {
      const expressPath = path.replace(/\{([^}]+)\}/g, ':$1');
      for (const [method, operation] of Object.entries(item as Record<string, { operationId?: string }>)) {
        if (operation?.operationId) this.names.set(`${method.toUpperCase()} ${expressPath}`, operation.operationId);
      }
    }
  }

  /** Routes without an operationId are Nest's not-found catch-all (API routes all have one). */
  nameOf(method: string, routePath: string | undefined): string {
    return (routePath !== undefined && this.names.get(`${method} ${routePath}`)) || 'unmatched';
  }
}
