// A plain WebSocket echo on Deno.serve: proves the runtime runs here.
declare const Deno: {
  serve(options: { hostname: string; port: number; onListen(addr: { port: number }): void }, handler: (req: Request) => Response): unknown;
  upgradeWebSocket(req: Request): { socket: WebSocket; response: Response };
};

Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, (req) => {
  if (req.headers.get('upgrade') !== 'websocket') return new Response('upgrade required', { status: 426 });
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
export {};
