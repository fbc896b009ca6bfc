// Our small Redis client (shared/cache/redis.ts): the RESP it writes and reads, and how it behaves when the
// connection goes wrong. A scripted server plays Redis for the failures; TEST_REDIS_URL runs the same
// commands against a real one.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { redisCache } from '#shared/cache/client';
import { decodeReply, encodeCommand, RedisConnection, RedisReplyError } from '#shared/cache/redis';

describe('RESP', () => {
  it('writes a command as an array of bulk strings, counting bytes rather than characters', () => {
    expect(encodeCommand(['SET', 'k', 'häl\r\nlo']).toString('utf8')).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8\r\nhäl\r\nlo\r\n');
  });

  it('reads every reply type, and waits for the rest of a reply split across packets', () => {
    const wire = Buffer.from('+OK\r\n$-1\r\n:3\r\n$8\r\nhäl\r\nlo\r\n*2\r\n$1\r\na\r\n:1\r\n-ERR wrong\r\n');
    const replies: unknown[] = [];
    let offset = 0;
    for (;;) {
      const decoded = decodeReply(wire, offset);
      if (!decoded) break;
      replies.push(decoded.reply);
      offset = decoded.next;
    }
    expect(replies.slice(0, 5)).toEqual(['OK', null, 3, 'häl\r\nlo', ['a', 1]]);
    expect(replies[5]).toBeInstanceOf(RedisReplyError);
    expect(offset).toBe(wire.length);
    // Every cut short of a whole reply is "not yet", never a wrong value.
    const bulk = Buffer.from('$8\r\nhäl\r\nlo\r\n');
    for (let cut = 0; cut < bulk.length; cut++) expect(decodeReply(bulk.subarray(0, cut))).toBeUndefined();
  });
});

/** A server that answers each command with `answer(args)`, or not at all when it returns undefined. */
async function scriptedServer(answer: (args: string[]) => string | undefined) {
  const connections: net.Socket[] = [];
  const received: string[][] = [];
  const server = net.createServer((socket) => {
    connections.push(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const decoded = decodeReply(buffer);
        if (!decoded) break;
        buffer = buffer.subarray(decoded.next);
        const args = decoded.reply as string[];
        received.push(args);
        const reply = answer(args);
        if (reply !== undefined) socket.write(reply);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    received,
    connections,
    async close() {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
const options = { commandTimeoutMs: 200, connectTimeoutMs: 500 };

describe('a Redis connection', () => {
  it('authenticates and selects the database named in the URL before the first command', async () => {
    const server = await scriptedServer(([name]) => (name === 'GET' ? '$2\r\nhi\r\n' : '+OK\r\n'));
    servers.push(server);
    const connection = new RedisConnection(server.url.replace('redis://', 'redis://app:p%40ss@').concat('/3'), options);
    expect(await connection.command(['GET', 'k'])).toBe('hi');
    expect(server.received).toEqual([
      ['AUTH', 'app', 'p@ss'],
      ['SELECT', '3'],
      ['GET', 'k'],
    ]);
    await connection.close();
  });

  it('fails a command that gets no answer in time, drops that connection, and reconnects for the next one', async () => {
    let silent = true;
    const server = await scriptedServer(() => (silent ? undefined : '$1\r\nv\r\n'));
    servers.push(server);
    const errors: Error[] = [];
    const connection = new RedisConnection(server.url, { ...options, onError: (e) => errors.push(e) });
    await expect(connection.command(['GET', 'k'])).rejects.toThrow(/timed out/);
    expect(errors).toHaveLength(1);
    silent = false;
    expect(await connection.command(['GET', 'k'])).toBe('v');
    expect(server.connections).toHaveLength(2);
    await connection.close();
  });

  it('fails the commands in flight when the server goes away, and connects again on the next command', async () => {
    let answered = 0;
    const server = await scriptedServer(() => {
      answered += 1;
      if (answered === 2) {
        server.connections[0]!.destroy();
        return undefined;
      }
      return '+OK\r\n';
    });
    servers.push(server);
    const connection = new RedisConnection(server.url, options);
    expect(await connection.command(['SET', 'a', '1'])).toBe('OK');
    await expect(connection.command(['SET', 'b', '2'])).rejects.toThrow(/closed|reset/);
    expect(await connection.command(['SET', 'c', '3'])).toBe('OK');
    expect(server.connections).toHaveLength(2);
    await connection.close();
  });

  it('turns an error reply into a rejected command and keeps the connection', async () => {
    const server = await scriptedServer(([name]) => (name === 'SET' ? "-ERR invalid expire time in 'set' command\r\n" : '$-1\r\n'));
    servers.push(server);
    const connection = new RedisConnection(server.url, options);
    await expect(connection.command(['SET', 'k', 'v', 'EX', '0'])).rejects.toBeInstanceOf(RedisReplyError);
    expect(await connection.command(['GET', 'k'])).toBeNull();
    expect(server.connections).toHaveLength(1);
    await connection.close();
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => new RedisConnection('http://127.0.0.1:6379', options)).toThrow(/redis:\/\//);
  });
});

describe.runIf(process.env.TEST_REDIS_URL)('the cache against a real Redis', () => {
  it('keeps replies in order for many pipelined commands and values of any size and content', async () => {
    const cache = redisCache(process.env.TEST_REDIS_URL!);
    const prefix = `rc:test:${randomBytes(6).toString('hex')}`;
    const values = Array.from({ length: 50 }, (_, i) => `${i}\r\n${'é'.repeat(i * 997)}`);
    await Promise.all(values.map((value, i) => cache.set(`${prefix}:${i}`, value, { EX: 30 })));
    expect(await Promise.all(values.map((_, i) => cache.get(`${prefix}:${i}`)))).toEqual(values);
    expect(await cache.del(values.map((_, i) => `${prefix}:${i}`))).toBe(50);
    await expect(cache.set(`${prefix}:x`, 'v', { EX: 0 })).rejects.toThrow(/expire/);
    expect(await cache.get(`${prefix}:x`)).toBeNull();
    await cache.close();
  });
});
