// A minimal Redis/Valkey client: one connection, RESP2, commands pipelined in order. The cache needs three
// commands (GET, SET with NX/EX, DEL; shared/cache/client.ts) and nothing of what @redis/client adds
// (cluster, pub/sub, scripting, RESP3 types), which cost ~430 KB in every bundle that touched the cache and
// a slower cold start. Tested against a real Redis (test/unit/webhooks/cache.test.ts, with TEST_REDIS_URL).
import net from 'node:net';
import tls from 'node:tls';

export type Reply = string | number | null | Reply[];

/** An error reply from the server (`-ERR ...`): the command was refused, the connection is fine. */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

export interface RedisOptions {
  /** A command with no answer by then fails, and the connection is dropped (its replies can no longer be matched). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Connection-level failures (the command's own error reaches its caller too). */
  onError?: (error: Error) => void;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

/** One socket and what belongs to it alone: its unanswered commands, in order, and its unparsed bytes. */
interface Link {
  socket: net.Socket;
  pending: Pending[];
  buffer: Buffer;
}

const CRLF = Buffer.from('\r\n');

/** A command as RESP: an array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * Reads one reply from `buffer` at `offset`: the reply and where the next one starts, or undefined when the
 * buffer ends before the reply does (wait for more bytes). Error replies come back as RedisReplyError values.
 */
export function decodeReply(buffer: Buffer, offset = 0): { reply: Reply | RedisReplyError; next: number } | undefined {
  const end = buffer.indexOf(CRLF, offset);
  if (end === -1) return undefined;
  const type = String.fromCharCode(buffer[offset]!);
  const line = buffer.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return { reply: line, next };
    case '-':
      return { reply: new RedisReplyError(line), next };
    case ':':
      return { reply: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = decodeReply(buffer, at);
        if (!item) return undefined;
        // An error inside an array (EXEC) is not something this client sends; surface it as its text.
        items.push(item.reply instanceof RedisReplyError ? item.reply.message : item.reply);
        at = item.next;
      }
      return { reply: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Connects on the first command and again on the first command after the connection was lost, never in
 * between: while Redis is unreachable every command fails fast (no offline queue), so a webhook answers
 * 503 and the vendor retries, rather than a request hanging until Lambda's timeout.
 */
export class RedisConnection {
  private link: Link | undefined;
  private connecting: Promise<Link> | undefined;
  private readonly url: URL;

  constructor(
    url: string,
    private readonly options: RedisOptions,
  ) {
    this.url = new URL(url);
    if (this.url.protocol !== 'redis:' && this.url.protocol !== 'rediss:') throw new Error('a Redis URL starts with redis:// or rediss://');
  }

  async command(args: readonly string[]): Promise<Reply> {
    return this.send(await this.connect(), args);
  }

  async close(): Promise<void> {
    const link = this.link ?? (await this.connecting?.catch(() => undefined));
    this.link = undefined;
    this.connecting = undefined;
    if (!link || link.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      link.socket.once('close', () => resolve());
      this.send(link, ['QUIT']).catch(() => undefined);
      link.socket.end();
    });
  }

  private send(link: Link, args: readonly string[]): Promise<Reply> {
    if (link.socket.destroyed) return Promise.reject(new Error('redis connection closed'));
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Replies are matched to commands by order: after a lost answer the connection cannot be trusted.
        this.drop(link, new Error(`redis command timed out after ${this.options.commandTimeoutMs} ms`));
      }, this.options.commandTimeoutMs);
      link.pending.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      link.socket.write(encodeCommand(args));
    });
  }

  private connect(): Promise<Link> {
    if (this.link && !this.link.socket.destroyed) return Promise.resolve(this.link);
    this.connecting ??= this.open().then(
      (link) => {
        this.link = link;
        this.connecting = undefined;
        return link;
      },
      (error: Error) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Link> {
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.url.port || 6379);
    const secure = this.url.protocol === 'rediss:';
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`redis connection to ${host}:${port} timed out after ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      s.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        s.destroy();
        reject(error);
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const link: Link = { socket, pending: [], buffer: Buffer.alloc(0) };
    socket.on('data', (chunk: Buffer) => this.receive(link, chunk));
    socket.on('error', (error) => this.drop(link, error));
    socket.on('close', () => this.drop(link, new Error('redis connection closed')));
    // Credentials and database from the URL (redis://user:password@host:port/db), before any command.
    const user = decodeURIComponent(this.url.username);
    const password = decodeURIComponent(this.url.password);
    const db = this.url.pathname.replace(/^\//, '');
    try {
      if (password) await this.send(link, user ? ['AUTH', user, password] : ['AUTH', password]);
      if (db && db !== '0') await this.send(link, ['SELECT', db]);
    } catch (error) {
      this.drop(link, error as Error);
      throw error;
    }
    return link;
  }

  private receive(link: Link, chunk: Buffer): void {
    link.buffer = link.buffer.length === 0 ? chunk : Buffer.concat([link.buffer, chunk]);
    let offset = 0;
    try {
      for (;;) {
        const decoded = decodeReply(link.buffer, offset);
        if (!decoded) break;
        offset = decoded.next;
        const waiter = link.pending.shift();
        if (!waiter) throw new Error('redis sent a reply nobody asked for');
        if (decoded.reply instanceof RedisReplyError) waiter.reject(decoded.reply);
        else waiter.resolve(decoded.reply);
      }
    } catch (error) {
      this.drop(link, error as Error);
      return;
    }
    link.buffer = offset === link.buffer.length ? Buffer.alloc(0) : link.buffer.subarray(offset);
  }

  /** Fails every command in flight on this connection and forgets it; the next command connects again. */
  private drop(link: Link, error: Error): void {
    if (this.link === link) this.link = undefined;
    const waiting = link.pending.splice(0);
    if (!link.socket.destroyed) link.socket.destroy();
    if (waiting.length > 0) this.options.onError?.(error);
    for (const waiter of waiting) waiter.reject(error);
  }
}
