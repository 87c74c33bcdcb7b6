// The React app of test/browser/react.test.ts, bundled by esbuild with React's
// development build (the one whose StrictMode mounts effects twice). The test
// drives it through `window.harness`: mount a provider, render it again with new
// props, unmount it, and read what the hooks gave.
import { Component, StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { AuthSocket } from 'authsocket';
import {
  AuthSocketProvider,
  useAuthSocket,
  useLastMessage,
  useSocketError,
  useSocketEvent,
  useSocketLeader,
  useSocketState,
} from 'authsocket/react';

// Live subscriptions on every AuthSocket: `on` counts one up, its unsubscribe one
// down. This is the class authsocket/react uses (one copy of the client), or the
// count would stay 0.
let listeners = 0;
const on = AuthSocket.prototype.on;
AuthSocket.prototype.on = function (type, listener) {
  const off = on.call(this, type, listener);
  listeners++;
  let removed = false;
  return () => {
    if (!removed) listeners--;
    removed = true;
    off();
  };
};

// Live window/document listeners by type (the socket adds some while it runs:
// online, offline, page visibility), counted the same way.
const pageListeners = new Map();
for (const target of [window, document]) {
  const add = target.addEventListener;
  const remove = target.removeEventListener;
  target.addEventListener = function (type, listener, options) {
    pageListeners.set(listener, type);
    return add.call(this, type, listener, options);
  };
  target.removeEventListener = function (type, listener, options) {
    pageListeners.delete(listener);
    return remove.call(this, type, listener, options);
  };
}

const roots = new Map();
const views = new Map();
const sockets = new WeakMap();
let lastSocketId = 0;
/** A number per socket object, so the test can tell whether the socket changed. */
const idOf = (socket) => {
  if (!sockets.has(socket)) sockets.set(socket, ++lastSocketId);
  return sockets.get(socket);
};

/** Every hook, written to `views[name]` on each render and each event. */
function Probe({ name }) {
  const socket = useAuthSocket();
  const view = views.get(name);
  view.socket = socket;
  view.socketId = idOf(socket);
  view.state = useSocketState();
  view.leader = useSocketLeader();
  view.last = useLastMessage();
  const error = useSocketError();
  view.error = error && { code: error.code, isError: error instanceof Error };
  view.renders++;
  useSocketEvent('message', (msg) => view.messages.push({ msg, by: view.listenerVersion }));
  useSocketEvent('state', ({ to }) => view.states.push(to));
  return <p data-name={name}>{view.state}</p>;
}

/** Catches what a hook throws outside a provider. */
class Catch extends Component {
  state = { error: undefined };
  static getDerivedStateFromError(error) {
    return { error };
  }
  componentDidCatch() {}
  render() {
    const { error } = this.state;
    return error ? <p className="caught">{error.message}</p> : this.props.children;
  }
}

/** The element for `props`: a provider (unless `provider: false`) around a Probe. */
function tree(name, props) {
  const view = views.get(name);
  view.listenerVersion = props.version ?? 0;
  const version = props.version ?? 0;
  const tokenPrefix = props.tokenPrefix ?? name;
  const options = {
    // A new object, and a new token function closing over this render's props, on every render.
    auth: {
      via: 'subprotocol',
      token: async () => {
        view.tokenCalls.push(tokenPrefix);
        if (props.tokenFails) throw new Error('no ticket');
        return `${tokenPrefix}-${view.tokenCalls.length}`;
      },
    },
    reconnect: { minDelay: 50, maxDelay: 200 },
    shared: props.shared,
    protocols: props.protocols,
  };
  const probe = <Probe name={name} key={`probe-${version}`} />;
  const app = props.provider === false
    ? <Catch>{probe}</Catch>
    : <AuthSocketProvider key={props.key} url={props.url} options={options}>{probe}</AuthSocketProvider>;
  return props.strict ? <StrictMode>{app}</StrictMode> : app;
}

window.harness = {
  get listeners() {
    return listeners;
  },
  /** The types of the live window/document listeners, sorted. */
  get pageListeners() {
    return [...pageListeners.values()].sort();
  },
  mount(name, props) {
    views.set(name, { renders: 0, messages: [], states: [], tokenCalls: [] });
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    roots.set(name, { root, container });
    root.render(tree(name, props));
  },
  /** Hydrates server-rendered `html` (react-dom/server, same tree) in a fresh container. */
  hydrate(name, props, html) {
    views.set(name, { renders: 0, messages: [], states: [], tokenCalls: [] });
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const errors = [];
    window.hydrationErrors = errors;
    const root = hydrateRoot(container, tree(name, props), { onRecoverableError: (error) => errors.push(String(error)) });
    roots.set(name, { root, container });
  },
  render(name, props) {
    roots.get(name).root.render(tree(name, props));
  },
  unmount(name) {
    const { root, container } = roots.get(name);
    root.unmount();
    container.remove();
  },
  view(name) {
    const { socket, ...view } = views.get(name);
    return { ...view, url: socket?.url, socketState: socket?.state };
  },
  send(name, msg) {
    views.get(name).socket.send(msg);
  },
  caught(name) {
    return roots.get(name).container.querySelector('.caught')?.textContent;
  },
};
