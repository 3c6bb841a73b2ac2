import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

interface Pattern {
  method: string;
  regex: RegExp;
  params: number;
  rpc: string;
}

/**
 * Maps a REST call to the operationId the OpenAPI document gives its route,
 * which is ZITADEL's RPC name. Filled once at start-up.
 */
@Injectable()
export class RestRpcNames {
  private readonly byRoute = new Map<string, string>();
  private patterns: Pattern[] = [];

  learn(document: OpenAPIObject): void {
    for (const [path, item] of Object.entries(document.paths)) {
      const routePath = path.replace(/\{([^}]+)\}/g, ':$1');
      const regex = new RegExp('^' + path.split(/\{[^}]+\}/).map(escapeRegex).join('[^/]+') + '/?$');
      const params = (path.match(/\{/g) ?? []).length;
      for (const [method, operation] of Object.entries(item as Record<string, { operationId?: string }>)) {
        if (!operation?.operationId) continue;
        this.byRoute.set(`${method.toUpperCase()} ${routePath}`, operation.operationId);
        this.patterns.push({ method: method.toUpperCase(), regex, params, rpc: operation.operationId });
      }
    }
    // Literal segments win over parameters (POST /admin/v1/sms/twilio is not POST /admin/v1/sms/{id}).
    this.patterns.sort((a, b) => a.params - b.params);
  }

  /**
   * By the matched route (`/users/:id`); for calls refused before routing (a
   * malformed body: the error ends in Nest's catch-all route) by the path.
   * Anything else is "unmatched": a raw URL never becomes a label value.
   */
  nameOf(method: string, routePath: string | undefined, path: string): string {
    const byRoute = routePath === undefined ? undefined : this.byRoute.get(`${method} ${routePath}`);
    if (byRoute) return byRoute;
    const bare = path.split('?')[0];
    return this.patterns.find((pattern) => pattern.method === method && pattern.regex.test(bare))?.rpc ?? 'unmatched';
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
