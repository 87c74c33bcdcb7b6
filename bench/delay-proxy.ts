// A TCP proxy on 127.0.0.1 that delays every chunk by `oneWay` ms in each
// direction (order kept: equal timeouts fire in the order they were set), so
// that a round trip costs 2 × oneWay. On bare loopback a round trip (~0.5 ms)
// is the size of the client's own JS work, and "how many round trips does an
// authenticated open cost" cannot be read off; through this proxy it can.
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

export async function startDelayProxy(targetPort: number, oneWay: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => void setTimeout(() => { if (!to.destroyed) to.write(chunk); }, oneWay));
    from.on('end', () => void setTimeout(() => to.end(), oneWay));
    from.on('error', () => to.destroy());
    from.on('close', () => void setTimeout(() => to.destroy(), oneWay + 1));
  };
  const server: Server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
