import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
