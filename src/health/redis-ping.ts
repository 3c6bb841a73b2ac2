import { Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * PING over RESP on a short-lived connection (AUTH and SELECT first when the
 * URL asks for them). Readiness needs nothing more than this, and it keeps the
 * health check independent of the queue driver's client library. Errors never
 * repeat the password.
 */
export function pingRedis(redisUrl: string, signal: AbortSignal): Promise<void> {
  const url = new URL(redisUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 6379);
  const commands: string[][] = [];
  if (url.password) commands.push(url.username ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)] : ['AUTH', decodeURIComponent(url.password)]);
  const db = url.pathname.replace(/^\//, '');
  if (db) commands.push(['SELECT', db]);
  commands.push(['PING']);

  return new Promise<void>((resolve, reject) => {
    const socket: Socket = url.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    let buffered = '';
    let answered = 0;
    const finish = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error('redis did not answer in time'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error: NodeJS.ErrnoException) => finish(new Error(`redis unreachable at ${host}:${port} (${error.code ?? 'error'})`)));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const command = commands[answered++]?.[0];
        if (line.startsWith('-')) return finish(new Error(`redis refused ${command}: ${line.slice(1).split(' ')[0]}`));
        if (answered === commands.length) return finish(line === '+PONG' ? undefined : new Error('redis answered PING unexpectedly'));
      }
    });
    socket.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      socket.write(commands.map(encodeCommand).join(''));
    });
  });
}

function encodeCommand(parts: string[]): string {
  return `*${parts.length}\r\n` + parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('');
}
