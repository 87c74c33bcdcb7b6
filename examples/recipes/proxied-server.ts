// The app behind the proxy: the authsocket gate, answering the client's
// heartbeat pings so that the proxy sees traffic on an otherwise idle socket.
import { createServer } from 'node:http';
import { createAuthGate, type AuthGateOptions } from 'authsocket/server';

export function createProxiedApp<User>(verify: AuthGateOptions<User>['verify'], origins: AuthGateOptions<User>['origins']) {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const gate = createAuthGate<User>({ origins, verify, carriers: ['subprotocol', 'query', 'cookie', 'message', 'header'] });
  gate.on('connection', (socket, user) => {
    socket.send(JSON.stringify({ type: 'welcome', user }));
    socket.on('message', (data) => {
      const text = data.toString();
      socket.send(text === '{"type":"ping"}' ? '{"type":"pong"}' : text);
    });
  });
  gate.attach(server);
  return { server, gate };
}
