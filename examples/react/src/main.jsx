// A chat in React: one <AuthSocketProvider> owns the socket, components use hooks.
// `shared: true`: open this page in several tabs, they share one connection.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthSocketProvider, useAuthSocket, useSocketEvent, useSocketLeader, useSocketState } from 'authsocket/react';

// A fresh single-use ticket before every connection attempt. In a real app this
// endpoint sits behind your normal login (session cookie).
async function getTicket() {
  const response = await fetch('/api/ticket', { method: 'POST' });
  if (!response.ok) throw new Error(`ticket endpoint answered ${response.status}`);
  return response.text();
}

function Status() {
  const state = useSocketState(); // re-renders on every state change
  const leader = useSocketLeader();
  const [online, setOnline] = useState();
  useSocketEvent('message', (msg) => msg.type === 'presence' && setOnline(msg.online));
  return (
    <p id="status">
      {state} · {leader ? 'connected in this tab' : 'through another tab'}
      {online !== undefined && ` · ${online} online`}
    </p>
  );
}

function Chat() {
  const socket = useAuthSocket(); // the provider's socket, the same object every render
  const state = useSocketState();
  const [lines, setLines] = useState([]);
  useSocketEvent('message', (msg) => {
    if (msg.type === 'chat') setLines((previous) => [...previous, `${msg.from}: ${msg.text}`]);
  });
  const submit = (event) => {
    event.preventDefault();
    const input = event.currentTarget.elements.text;
    socket.send({ type: 'chat', text: input.value }); // queued until authenticated, then sent in order
    input.value = '';
  };
  return (
    <form onSubmit={submit}>
      <ul id="lines">{lines.map((line, index) => <li key={index}>{line}</li>)}</ul>
      <input id="text" name="text" placeholder="say something" />
      <button disabled={state !== 'open'}>Send</button>
    </form>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AuthSocketProvider url="/ws" options={{ auth: { via: 'subprotocol', token: getTicket }, shared: true }}>
      <Status />
      <Chat />
    </AuthSocketProvider>
  </StrictMode>,
);
