// A TCP proxy in front of PostgreSQL whose connections the test can cut, as a failover or a network blip
// would: `dropAll()` destroys every open socket pair; later connections pass again.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  /** The upstream URL with host and port pointing at the proxy. */
  url: string;
  /** Connections currently open through the proxy. */
  readonly open: number;
  dropAll(): void;
  close(): Promise<void>;
}

export async function tcpProxy(upstreamUrl: string): Promise<TcpProxy> {
  const upstream = new URL(upstreamUrl);
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const server = createConnection({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    const pair: [Socket, Socket] = [client, server];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const proxied = new URL(upstreamUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    get open() {
      return pairs.size;
    },
    dropAll() {
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
    },
    async close() {
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
