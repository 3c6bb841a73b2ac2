import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';

/**
 * Graceful stop of the HTTP listener: no new connections, requests in flight
 * finish, and every kept-alive connection closes after its current answer
 * (Connection: close) instead of idling until its keep-alive timeout.
 */
@Injectable()
export class HttpDrain implements NestMiddleware {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  use(_request: unknown, response: ServerResponse, next: () => void): void {
    if (this.draining) response.shouldKeepAlive = false;
    this.inFlight.add(response);
    const done = () => this.inFlight.delete(response);
    response.once('finish', done);
    response.once('close', done);
    next();
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves true once every connection closed, false if `timeoutMs` passed first (then they are cut). */
  drain(server: Server, timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const response of this.inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        server.closeAllConnections();
        resolve(false);
      }, timeoutMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve(true);
      });
      server.closeIdleConnections();
    });
  }
}
