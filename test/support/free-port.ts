import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * A port that was free a moment ago, for servers whose URL must be known
 * before they start. Chosen below the kernel's ephemeral range
 * (ip_local_port_range), not with port 0: a port the kernel handed out for
 * port 0 is soon handed out again to other sockets, and the e2e suites open
 * servers on port 0 and hundreds of client connections at the same time. CI
 * saw a built server lose the port chosen for it that way (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const lowest = 10_000;
  const highest = Math.max(lowest + 1_000, ephemeralStart() - 1);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${lowest} and ${highest}`);
}

function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // All interfaces: the servers under test listen on 0.0.0.0 by default.
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port (a server a test started). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` every 50 ms until it holds; throws `message` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
