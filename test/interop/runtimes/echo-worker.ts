// A plain WebSocket echo on workerd, the Workers way: the Worker forwards the
// upgrade to a Durable Object, which accepts one end of a WebSocketPair.
interface Env { Room: { idFromName(name: string): unknown; get(id: unknown): { fetch(req: Request): Promise<Response> } } }

export class Room {
  fetch(req: Request): Response {
    if (req.headers.get('upgrade') !== 'websocket') return new Response('upgrade required', { status: 426 });
    const [client, server] = Object.values(new (globalThis as any).WebSocketPair()) as [WebSocket, WebSocket & { accept(): void }];
    server.accept();
    server.addEventListener('message', (event) => server.send(`room: ${event.data}`));
    return new Response(null, { status: 101, webSocket: client } as ResponseInit);
  }
}

export default {
  fetch(req: Request, env: Env): Promise<Response> | Response {
    if (new URL(req.url).pathname === '/room') return env.Room.get(env.Room.idFromName('echo')).fetch(req);
    if (req.headers.get('upgrade') !== 'websocket') return new Response('upgrade required', { status: 426 });
    const [client, server] = Object.values(new (globalThis as any).WebSocketPair()) as [WebSocket, WebSocket & { accept(): void }];
    server.accept();
    server.addEventListener('message', (event) => server.send(`worker: ${event.data}`));
    return new Response(null, { status: 101, webSocket: client } as ResponseInit);
  },
};
