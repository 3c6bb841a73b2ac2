import { Injectable } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';
import { closeWithin } from './close-within';

/**
 * Graceful stop of the HTTP listener: no new connections, requests in flight
 * finish, and every kept-alive connection closes after its current answer
 * (Connection: close) instead of idling until its keep-alive timeout.
 * One instance per app (a provider): AppModule routes every request through
 * `track` (a Nest middleware class would get an instance of its own).
 */
@Injectable()
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private draining = false;

  track(response: ServerResponse): void {
    if (this.draining) response.shouldKeepAlive = false;
    this.inFlight.add(response);
    const done = () => this.inFlight.delete(response);
    response.once('finish', done);
    response.once('close', done);
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves true once every connection closed, false if `timeoutMs` passed first (then they are cut). */
  drain(server: Server, timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const response of this.inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    return closeWithin(
      timeoutMs,
      (done) => {
        server.close(() => done());
        server.closeIdleConnections();
      },
      () => server.closeAllConnections(),
    );
  }
}
