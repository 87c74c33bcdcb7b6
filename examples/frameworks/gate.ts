// The gate every framework example shares: the credential check is yours.
import { createAuthGate, Forbidden } from 'authsocket/server';

export const gate = createAuthGate<string>({
  origins: ['http://localhost:8080'],
  path: '/live',
  verify: async (token) => {
    if (token === 'banned') throw new Forbidden('banned');   // → 4403: the client stops
    return token === 'demo-token' ? 'alice' : null;          // null → 4401: a fresh credential
  },
});
gate.on('connection', (socket, user) => socket.send(JSON.stringify({ type: 'welcome', user })));
