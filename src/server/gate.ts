// The auth gate: everything between an HTTP `upgrade` event and a socket the
// app can trust. Order matters and is the point of this file:
//   1. refuse at the HTTP level what a browser must never get through
//      (malformed handshake, foreign Origin, an unselectable subprotocol);
//   2. find the credential and run `verify` BEFORE the upgrade completes, so a
//      single-use ticket is only spent on a handshake that will succeed;
//   3. accept the upgrade and close with 4401/4403 on failure: a browser
//      cannot read an HTTP 401, but it can read a close code.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE } from './closeCodes.ts';
import { extractCredential } from './credentials.ts';
import { Emitter } from './emitter.ts';
import { isWebSocketHandshake, offeredProtocols, selectProtocol } from './handshake.ts';
import { createAdmission, Overloaded, resolveAddress, resolveLimits, withVerifyTimeout, type PendingSlot } from './limits.ts';
import { authenticateByMessage } from './messageCarrier.ts';
import { createOriginCheck, originOf } from './origin.ts';
import { runVerify, type Outcome } from './outcome.ts';
import { answerReauthentication } from './reauthentication.ts';
import { withLoggableRefusals } from './refusal.ts';
import { refuseUpgrade } from './refuse.ts';
import { attachedListener, resolvePaths } from './routing.ts';
import { createSessionKeeper } from './sessions.ts';
import { resolveResume } from './resume/options.ts';
import { createSessionRegistry, type SessionInfo } from './resume/registry.ts';
import type { SessionSocket } from './resume/sessionSocket.ts';
import { isResumeEntry, readResumeRequest, type ResumeRequest } from './resume/request.ts';
import { resolveSettings } from './settings.ts';
import type { AuthGate, AuthGateEvents, AuthGateOptions, Carrier, Verify } from './types.ts';

/** `Retry-After` of the 503/429 answers when too many sockets are still authenticating. */
const RETRY_AFTER_SECONDS = 1;

// How long a refused socket, or any socket at `close()`, may take to answer
// our close frame before it is cut (ws alone waits 30 s: a slowloris gift).
const CLOSE_GRACE_MS = 2_000;

/**
 * Creates the gate in front of a WebSocket endpoint: checks `Origin`, reads
 * the credential from the carriers you allow, calls your `verify`, and hands
 * you only authenticated sockets. Needs the `ws` package.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createAuthGate, createTicketStore } from 'authsocket/server';
 *
 * const tickets = createTicketStore({ ttl: 30_000 });
 * const gate = createAuthGate({
 *   origins: ['https://app.example.com'],
 *   verify: (ticket) => tickets.redeem(ticket),      // user id, or null → 4401
 * });
 * const server = createServer(app);
 * gate.attach(server);
 * gate.on('connection', (socket, userId) => {
 *   socket.on('message', (data) => socket.send(`${userId}: ${data}`));
 * });
 * server.listen(8080);
 * ```
 */
export function createAuthGate<User>(options: AuthGateOptions<User>): AuthGate<User> {
  const settings = resolveSettings(options);
  const originAllowed = createOriginCheck(options.origins);
  const serves = resolvePaths(options.path);
  const limits = resolveLimits(options.limits);
  const admission = createAdmission(limits, resolveAddress(options));
  const events = withLoggableRefusals(new Emitter<AuthGateEvents<User>>());
  const reportError = (error: unknown) => events.emit('error', error, undefined);
  // Sessions that outlive their connections, for clients that ask (`resume`).
  const resume = resolveResume(options.resume);
  const resumeSessions = resume && createSessionRegistry<User>(resume, (link, code, reason) => {
    // 1006 is never sent: it asks to cut the connection (the session socket's `terminate`).
    if (code !== 1006) return closeWithin(link as WebSocket, code, reason);
    (link as WebSocket).terminate();
    return Promise.resolve();
  }, reportError);
  const resumeRequests = new WeakMap<IncomingMessage, ResumeRequest>();

  /** A client that asked for resume: its session, once per session on `connection`, serves it. */
  function admitToSession(ws: WebSocket, req: IncomingMessage, user: User, key: string): void {
    // Frames that come while the session is found (another instance may have it) wait for it.
    const early: Array<[Buffer, boolean]> = [];
    const hold = (data: Buffer, isBinary: boolean) => void early.push([data, isBinary]);
    ws.on('message', hold);
    Promise.resolve(resumeSessions!.admit({ socket: ws, user, key, request: { native: req } as never, offered: offeredProtocols(req) ?? [] })).then((staged) => {
      ws.off('message', hold);
      const frame = (data: Buffer, isBinary: boolean) => void staged.message?.(data, isBinary);
      ws.on('message', frame);
      ws.once('close', (code, reason) => staged.closed?.(code, reason.toString()));
      for (const [data, isBinary] of early) frame(data, isBinary);
      const { connection } = staged;
      if (connection?.emit === false) return;
      try {
        events.emit('connection', connection?.socket as WebSocket, user, req, connection?.info as SessionInfo);
      } catch (error) {
        events.emit('error', error, req);
        (connection?.socket as SessionSocket).close(CLOSE.internal.code, 'internal error');
      }
    }, (error: unknown) => {
      events.emit('error', error, req);
      void closeWithin(ws, CLOSE.internal.code, 'internal error');
    });
  }
  // Lifetime, identity, revocation and ack: everything after admission.
  const sessions = createSessionKeeper(options, closeWithin, reportError,
    ({ key, code, reason }) => resumeSessions?.endUser(key, code, reason));
  // Every verify call (upgrade, first message, in-place) refuses an already
  // expired credential, notes the user's key, is bounded by `verifyTimeout`
  // and holds its place in the pool until it has really settled.
  const guarded = sessions.guard(options.verify);
  const verifyIn = (slot: PendingSlot): Verify<User> => withVerifyTimeout(guarded, limits.verifyTimeout, slot.retain);
  const selectedProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxPayload,
    handleProtocols: (_offered, req) => selectedProtocol.get(req) ?? false,
  });
  let closing = false;

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A peer that resets while `verify` runs must not crash the process.
    socket.on('error', destroySocket);
    const slot = admission.slot(req);
    admit(req, socket, head, slot).catch((error) => {
      events.emit('error', error, req);
      socket.destroy();
    }).finally(slot.release);
  }

  async function admit(req: IncomingMessage, socket: Duplex, head: Buffer, slot: PendingSlot): Promise<void> {
    const origin = originOf(req);
    const refuse = (status: number, reason: string, headers?: Record<string, string>) => {
      events.emit('refused', { status, reason, origin, req });
      refuseUpgrade(socket, status, headers);
    };

    if (closing) return refuse(503, 'gate closed');
    if (!serves(req)) return refuse(400, 'path not served'); // as ws's WebSocketServer({ path }) answers
    let full: ReturnType<PendingSlot['enter']>;
    try {
      full = slot.enter(); // held until settled: bounds verify calls and anonymous sockets
    } catch (error) {
      // The `address` option threw: the gate's fault, not the client's; answered like any refusal.
      events.emit('error', error, req);
      return refuse(500, 'address option threw');
    }
    // Overloaded, not wrong: a client that reads the answer (Node's `ws`, a proxy) may come back in a second.
    if (full) return refuse(full.status, full.reason, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    if (!isWebSocketHandshake(req)) return refuse(400, 'not a websocket handshake');
    if (!(await originAllowed(req).catch(() => false))) return refuse(403, 'origin not allowed');

    const offered = offeredProtocols(req);
    if (offered === undefined) return refuse(400, 'malformed subprotocol header');
    if (resumeSessions) {
      const request = readResumeRequest(offered);
      if (request.kind === 'malformed') return refuse(400, 'malformed resume request');
      resumeRequests.set(req, request);
    }
    const protocol = selectProtocol(offered.filter((entry) => !isResumeEntry(entry)), settings.protocols, settings.prefix);
    // Selecting nothing would make the client fail the handshake anyway; saying
    // so now keeps `verify` from spending a ticket on it.
    if (offered.length > 0 && protocol === undefined) {
      const onlyTokens = offered.every((entry) => entry.startsWith(settings.prefix));
      return refuse(400, onlyTokens ? 'only a token subprotocol offered' : 'no acceptable subprotocol');
    }
    if (protocol !== undefined) selectedProtocol.set(req, protocol);

    const credential = extractCredential(req, settings, offered);
    if (credential.kind === 'none') {
      if (settings.carriers.has('basic')) {
        // Chromium sends a URL's user:pass only after this challenge (deprecated carrier).
        return refuse(401, 'basic challenge', { 'WWW-Authenticate': `Basic realm="${settings.realm}", charset="UTF-8"` });
      }
      if (settings.carriers.has('message')) {
        let endWait: (() => void) | undefined;
        const full = slot.awaitFirstFrame(() => (endWait ? endWait() : socket.destroy()));
        if (full) return refuse(full.status, full.reason, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
        const done = slot.retain(); // still pending until the auth frame is answered
        socket.once('close', done);
        return upgrade(req, socket, head, (ws) => {
          endWait = authenticateByMessage(ws, req, {
            verify: verifyIn(slot), timeout: settings.timeout, authFrameBytes: limits.authFrameBytes,
            firstFrame: slot.firstFrameArrived,
            // The close listener goes too: it would keep this upgrade's scope alive for the socket's life.
            settle: (s, outcome) => { socket.off('close', done); done(); settle(s, req, outcome, 'message'); },
          });
        });
      }
      return upgrade(req, socket, head, (ws) => settle(ws, req, { kind: 'refused', ...CLOSE.unauthorized }, undefined, 'no credential'));
    }
    if (credential.kind === 'invalid') {
      const { carrier, reason } = credential;
      return upgrade(req, socket, head, (ws) => settle(ws, req, { kind: 'refused', ...CLOSE.unauthorized }, carrier, reason));
    }
    const { carrier, token, username } = credential;
    if (isGone(socket)) return; // a credential is never verified for a socket that is gone
    const outcome = await runVerify(verifyIn(slot), token, req, username === undefined ? { carrier } : { carrier, username });
    upgrade(req, socket, head, (ws) => settle(ws, req, outcome, carrier));
  }

  /** An in-place re-authentication's verify: a place in the pool like any other, or 1013 when there is none. */
  function reverifyFor(req: IncomingMessage): Verify<User> {
    return async (token, r, context) => {
      const slot = admission.slot(req);
      if (slot.enter()) throw new Overloaded();
      try {
        return await verifyIn(slot)(token, r, context);
      } finally {
        slot.release();
      }
    };
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, onSocket: (ws: WebSocket) => void): void {
    if (isGone(socket)) return; // the client left, or another listener took the socket, while we were busy
    if (closing) return void refuseUpgrade(socket, 503);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // `ws` emits 'error' for protocol violations (oversized or malformed
      // frames) and then closes the socket. Without a listener that event
      // would throw and take the whole server down, so one is always there.
      ws.on('error', ignoreError);
      onSocket(ws);
    });
  }

  // `detail` says more than the close reason, for the `refused` event only.
  function settle(ws: WebSocket, req: IncomingMessage, outcome: Outcome<User>, carrier?: Carrier, detail?: string): void {
    if (outcome.kind === 'accepted') {
      sessions.admit(ws, req, outcome.user, carrier);
      if (carrier === 'message') {
        answerReauthentication(ws, req, { verify: reverifyFor(req), renew: (user) => sessions.renew(ws, req, user) }, (renewed) => {
          if (renewed.kind === 'accepted') return void events.emit('reauthenticated', ws, renewed.user, req);
          if (renewed.error !== undefined) events.emit('error', renewed.error, req);
          events.emit('refused', { code: renewed.code, reason: renewed.reason, carrier, origin: originOf(req), req });
          void closeWithin(ws, renewed.code, renewed.reason);
        });
      }
      const key = sessions.keyOf(ws);
      if (resumeSessions && resumeRequests.get(req)?.kind !== 'none' && key !== undefined) {
        return admitToSession(ws, req, outcome.user, key);
      }
      try {
        events.emit('connection', ws, outcome.user, req);
      } catch (error) {
        // The same fate whichever carrier authenticated: reported, socket closed.
        events.emit('error', error, req);
        void closeWithin(ws, CLOSE.internal.code, 'internal error');
      }
      return;
    }
    if (outcome.error !== undefined) events.emit('error', outcome.error, req);
    events.emit('refused', { code: outcome.code, reason: detail ?? outcome.reason, carrier, origin: originOf(req), req });
    void closeWithin(ws, outcome.code, outcome.reason);
  }

  return {
    handleUpgrade,
    attach(server) {
      const listener = attachedListener(server, serves, handleUpgrade);
      server.on('upgrade', listener);
      return () => void server.off('upgrade', listener);
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    get clients() {
      return wss.clients;
    },
    revoke: (key, revokeOptions) => sessions.revoke(key, revokeOptions),
    async close() {
      closing = true;
      sessions.close();
      resumeSessions?.close();
      const sockets = [...wss.clients];
      await Promise.all(sockets.map((ws) => closeWithin(ws, CLOSE.goingAway.code, CLOSE.goingAway.reason)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

// Listeners shared by every socket (`this` is the emitter): a closure per
// socket would keep the whole upgrade's scope (its request, its pool slot)
// alive for the socket's lifetime.
function destroySocket(this: Duplex): void {
  this.destroy();
}
function ignoreError(): void {}

/**
 * Whether the upgrade's socket is no longer ours to answer: the client left
 * (reset, or ended its side: a WebSocket client never half-closes during the
 * handshake; such a socket is destroyed here), or another `upgrade` listener
 * took it (it wrote to it, a 101 or an error status: the gate writes nothing
 * before it answers; that socket is left to its taker).
 */
function isGone(socket: Duplex): boolean {
  // An upgrade's socket is not read until it is upgraded, so its end shows in
  // the readable state only ('end' is emitted once the data is read).
  const seen = socket as Duplex & { bytesWritten?: number; _readableState?: { ended?: boolean } };
  if ((seen.bytesWritten ?? 0) > 0 || socket.writableLength > 0) return true;
  if (socket.destroyed || !socket.writable || seen._readableState?.ended === true) {
    socket.destroy();
    return true;
  }
  return false;
}

// One close per socket, however many paths ask for it (an expiry, a
// revocation and a refused re-authentication may all fire at once).
const closes = new WeakMap<WebSocket, Promise<void>>();

/** Closes with `code`, and cuts the connection if the peer does not answer in time. */
function closeWithin(ws: WebSocket, code: number, reason: string): Promise<void> {
  let closed = closes.get(ws);
  if (closed) return closed;
  closed = new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    const grace = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(grace);
      resolve();
    });
    ws.close(code, reason);
  });
  closes.set(ws, closed);
  return closed;
}
