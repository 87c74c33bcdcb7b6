// A plain WebSocket echo on Bun.serve: proves the runtime runs here.
interface EchoSocket { send(data: string | Uint8Array): number }
interface EchoServer { port: number; upgrade(req: Request): boolean }
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(req: Request, server: EchoServer): Response | undefined;
    websocket: { message(ws: EchoSocket, message: string | Uint8Array): void };
  }): EchoServer;
};

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response('upgrade required', { status: 426 })),
  websocket: { message: (ws, message) => void ws.send(message) },
});
console.log(JSON.stringify({ port: server.port }));
export {};
