import * as entry from '../../../dist/server/bun.js';
declare const Bun: any;
const gate = entry.createAuthGate<string>({ origins: () => true, verify: async () => 'alice', resume: true } as never);
gate.on('error', (e: unknown) => console.error('gate error', String(e)));
gate.on('connection', (s: any) => { s.on('close', (c: number, r: unknown) => console.error('session close', c, String(r))); s.on('suspended', () => console.error('suspended')); throw new Error('listener threw'); });
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (req: Request, srv: any) => gate.handle(req, srv), websocket: gate.websocket({ close: () => console.error('app close') }) });
console.log(JSON.stringify({ port: server.port }));
