// The few runtime globals the examples use, for type-checking them here. In an
// app, the runtime's own types give these (bun-types, Deno's built-in types,
// @cloudflare/workers-types).
declare const Bun: {
  serve(options: {
    hostname?: string;
    port?: number;
    fetch(req: Request, server: import('authsocket/server/bun').BunServer): Response | undefined | Promise<Response | undefined>;
    websocket: import('authsocket/server/bun').BunWebSocketHandler<any>;
  }): { stop(closeActiveConnections?: boolean): Promise<void> };
};

declare const Deno: {
  serve(
    options: { hostname?: string; port?: number },
    handler: (req: Request, info: import('authsocket/server/deno').DenoServeInfo) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  env: { get(name: string): string | undefined };
};

interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(req: Request): Promise<Response> };
}
