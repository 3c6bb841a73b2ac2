import { Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

type RespValue = string | number | null | Error | RespValue[];
type Argument = string | Buffer | number;

/** An error reply of the server (e.g. NOSCRIPT, WRONGTYPE). */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const CRLF = Buffer.from('\r\n');

/**
 * A small RESP2 connection to Redis with the surface of Bun's `RedisClient`,
 * so that BullMQ's own Bun adapter (`createBunRedisClient`) can drive it.
 *
 * Why it exists: BullMQ 6 no longer bundles a Redis client; it wants ioredis
 * or node-redis as an optional peer, and neither is a dependency of this
 * project. BullMQ's Bun adapter only needs `send(command, args)`, connection
 * callbacks and `duplicate()`, and does reconnection, script caching and
 * MULTI/EXEC itself, so this class stays a plain pipelined socket: commands
 * are written in order and replies resolve them in order. It never
 * reconnects by itself (the adapter builds a fresh one), and a command sent
 * while disconnected fails at once, which is what the outbox relay wants.
 */
export class RespClient {
  connected = false;
  onconnect: ((...args: unknown[]) => void) | null = null;
  onclose: ((...args: unknown[]) => void) | null = null;
  onerror: ((...args: unknown[]) => void) | null = null;

  private socket?: Socket;
  private connecting?: Promise<void>;
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private closedByUs = false;
  private corked = false;

  constructor(
    readonly url: string,
    private readonly options: { connectTimeoutMs?: number } = {},
  ) {}

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.destroy();
  }

  async duplicate(): Promise<this> {
    return new RespClient(this.url, this.options) as this;
  }

  send<T = unknown>(command: string, args: Argument[]): Promise<T> {
    const socket = this.socket;
    if (!this.connected || !socket) return Promise.reject(new Error('Connection closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (value: unknown) => void, reject });
      // Commands sent in the same tick leave in one write (one syscall), as pipelining wants.
      if (!this.corked) {
        this.corked = true;
        socket.cork();
        process.nextTick(() => {
          this.corked = false;
          socket.uncork();
        });
      }
      socket.write(encodeCommand(command, args));
    });
  }

  get(key: string): Promise<string | null> {
    return this.send('GET', [key]);
  }

  smembers(key: string): Promise<string[]> {
    return this.send('SMEMBERS', [key]);
  }

  incr(key: string): Promise<number> {
    return this.send('INCR', [key]);
  }

  private open(): Promise<void> {
    const target = new URL(this.url);
    const host = target.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(target.port || 6379);
    this.closedByUs = false;
    return new Promise<void>((resolve, reject) => {
      const socket =
        target.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
      let settled = false;
      const timer = setTimeout(() => socket.destroy(new Error(`connecting to Redis at ${host}:${port} timed out`)), this.options.connectTimeoutMs ?? 10_000);
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 10_000);
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (error) => {
        if (!settled) fail(error);
        else this.onerror?.(error);
      });
      socket.on('close', () => {
        const wasConnected = this.connected;
        this.connected = false;
        this.socket = undefined;
        this.failPending(new Error('Connection closed'));
        if (!settled) fail(new Error('Connection closed'));
        else if (wasConnected) this.onclose?.(this.closedByUs ? undefined : new Error('Connection closed'));
      });
      socket.once(target.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
        this.socket = socket;
        this.connected = true;
        this.handshake(target)
          .then(() => {
            settled = true;
            clearTimeout(timer);
            resolve();
            this.onconnect?.();
          })
          .catch((error: Error) => {
            this.connected = false;
            fail(error);
          });
      });
    });
  }

  private async handshake(target: URL): Promise<void> {
    const password = decodeURIComponent(target.password);
    const username = decodeURIComponent(target.username);
    if (password) await this.send('AUTH', username ? [username, password] : [password]);
    const db = target.pathname.replace(/^\//, '');
    if (db && db !== '0') await this.send('SELECT', [db]);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(this.buffer, offset);
      } catch (error) {
        this.socket?.destroy(error as Error);
        return;
      }
      if (!parsed) break;
      offset = parsed.next;
      const waiter = this.pending[this.pendingHead];
      if (!waiter) continue; // a reply nobody asked for: ignore it
      this.pending[this.pendingHead++] = undefined as never;
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead);
        this.pendingHead = 0;
      }
      if (parsed.value instanceof RedisReplyError) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  private failPending(error: Error): void {
    const waiting = this.pending.splice(this.pendingHead);
    this.pending.length = 0;
    this.pendingHead = 0;
    for (const waiter of waiting) waiter?.reject(error);
  }
}

function encodeCommand(command: string, args: Argument[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n$${Buffer.byteLength(command)}\r\n${command}\r\n`)];
  for (const arg of args) {
    const value = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${value.length}\r\n`), value, CRLF);
  }
  return Buffer.concat(parts);
}

/** Parses one RESP2 reply at `offset`; undefined when the buffer holds only part of it. */
export function parseReply(buffer: Buffer, offset: number): { value: RespValue; next: number } | undefined {
  const lineEnd = buffer.indexOf(CRLF, offset);
  if (lineEnd < 0) return undefined;
  const type = buffer[offset];
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return { value: line, next: after };
    case 0x2d: // -
      return { value: new RedisReplyError(line), next: after };
    case 0x3a: // :
      return { value: Number(line), next: after };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return undefined;
      return { value: buffer.toString('utf8', after, after + length), next: after + length + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP reply type ${String.fromCharCode(type)}`);
  }
}
