// The gate's decisions, in the order that is the point of the gate:
//   1. refuse at the HTTP level what a browser must never get through
//      (path, limits, malformed handshake, foreign Origin, an unselectable
//      subprotocol);
//   2. find the credential and run `verify` BEFORE the upgrade completes, so a
//      single-use ticket is only spent on a handshake that will succeed;
//   3. accept the upgrade and close with 4401/4403 on failure: a browser
//      cannot read an HTTP 401, but it can read a close code.
// Adapters (src/server/use/*) only translate their runtime to these calls.
import { Emitter } from '../../emitter.ts';
import { CLOSE } from './closeCodes.ts';
import type { AdmissionStage, CoreExtensions, GateCore, SocketHandler, StagedSocket, UpgradeAccepted, UpgradeDecision } from './contract.ts';
import { extractCredential } from './credentials.ts';
import { invalidOption } from './errors.ts';
import { createOriginCheck, isWebSocketHandshake, offeredProtocols, originOf, resolvePaths, selectProtocol } from './handshake.ts';
import { createIdentityKeeper, type Held, type Identity } from './identity.ts';
import { createAdmission, resolveAddress, resolveLimits, withVerifyTimeout, type PendingSlot } from './limits.ts';
import { answerReauthentication, AUTH_OK, awaitAuthFrame, MAX_HELD_FRAMES, type FirstFrameAuth, type HeldFrame } from './messageCarrier.ts';
import type { Carrier, GateEvents, GateOptions, Refusal, Verify, VerifyContext } from './options.ts';
import { READY_STATE, type FrameData, type GateRequest, type GateSocket, type SocketControls } from './runtime.ts';
import { resolveSettings } from './settings.ts';
import { runVerify, type Outcome } from './verification.ts';
import { resolveResume } from '../resume/options.ts';
import { createSessionRegistry } from '../resume/registry.ts';

/** `Retry-After` of the 503/429 answers when too many sockets are still authenticating. */
const RETRY_AFTER = { 'Retry-After': '1' } as const;

// How long a refused socket, or any socket at `close()`, may take to answer
// our close frame before it is cut (a peer that never answers is a slowloris gift).
const CLOSE_GRACE_MS = 2_000;

const GONE = { kind: 'gone' } as const;

/** A verdict on a credential, with the identity it proved when accepted. */
interface Checked<User> {
  outcome: Outcome<User>;
  identity?: Identity;
}

/**
 * Creates the runtime-neutral gate core from the gate's options (the same as
 * `createAuthGate`'s, with `Req` the runtime's own request type, handed back
 * to `verify`, `origins`, `address` and the events). Throws an
 * `INVALID_OPTION` {@link AuthGateError} on an option that cannot be meant.
 *
 * @example
 * ```ts
 * const core = createGateCore<User, ServerWebSocket<Data>, Request>({
 *   origins: ['https://app.example.com'],
 *   verify: (ticket) => tickets.redeem(ticket),
 * });
 * ```
 */
export function createGateCore<User, Socket extends GateSocket = GateSocket, Req = unknown>(
  options: GateOptions<User, Req>,
  extensions: CoreExtensions<User, Socket, Req> = {},
): GateCore<User, Socket, Req> {
  const settings = resolveSettings(options);
  const originAllowed = createOriginCheck(options.origins);
  const serves = resolvePaths(options.path);
  const limits = resolveLimits(options.limits);
  const admission = createAdmission(limits, resolveAddress(options));
  const ack = options.ack ?? false;
  if (typeof ack !== 'boolean') throw invalidOption('`ack` must be a boolean');
  // Sessions that outlive their connections, for clients that ask (`resume`): one admission stage.
  const resume = resolveResume(options.resume);
  const connectionOf = new WeakMap<GateSocket, Connection>();
  const sessions = resume && createSessionRegistry<User>(resume, (socket, code, reason) => {
    const connection = connectionOf.get(socket);
    // 1006 is never sent: it asks to cut the connection (the session socket's `terminate`).
    if (code === 1006) connection?.controls.terminate?.();
    return code === 1006 || !connection ? Promise.resolve() : connection.end(code, reason);
  }, (error) => events.emit('error', error, undefined));
  const stages = [...(sessions ? [sessions as unknown as AdmissionStage<User, Socket, Req>] : []), ...(extensions.stages ?? [])];
  // The connection being handed to the app, for a `connection` listener that throws.
  let admitting: Connection | undefined;
  const events = new Emitter<GateEvents<User, Socket, Req>>({
    onListenerError(error, event, args) {
      if (event === 'error') return rethrowAsynchronously(error); // nowhere better to report it
      if (event === 'connection' && admitting) {
        // The same fate whichever carrier authenticated: reported, socket closed.
        events.emit('error', error, admitting.nativeRequest());
        void admitting.end(CLOSE.internalError.code, CLOSE.internalError.reason);
        return;
      }
      events.emit('error', error, event === 'refused' ? (args[0] as Refusal<Req>).req : (args[2] as Req | undefined));
    },
  });
  const identity = createIdentityKeeper<User, Connection>(
    options as GateOptions<User, never>,
    (error) => events.emit('error', error, undefined),
    ({ key, code, reason }) => { for (const stage of stages) stage.revoked?.(key, code, reason); },
  );
  const opened = new Set<Connection>();
  const admitted = new Set<Socket>();
  let closing = false;

  function refused(refusal: Refusal<Req>): void {
    events.emit('refused', loggable(refusal));
  }

  /** `verify`, plus the identity check, bounded by `verifyTimeout`, holding `slot` until it really settled. */
  async function check(token: string, request: GateRequest<Req>, context: VerifyContext, slot: PendingSlot): Promise<Checked<User>> {
    let proven: Identity | undefined;
    const identified: Verify<User, Req> = async (t, req, c) => {
      const user = await options.verify(t, req, c);
      if (!user) return user;
      const found = identity.identify(user, t);
      if (found === undefined) return null;
      proven = found;
      return user;
    };
    const outcome = await runVerify(withVerifyTimeout(identified, limits.verifyTimeout, slot.retain), token, request.native, context);
    return outcome.kind === 'accepted' ? { outcome, identity: proven } : { outcome };
  }

  /** An in-place re-authentication's check: a place in the pool like any other, or 1013 when there is none. */
  async function recheck(token: string, request: GateRequest<Req>): Promise<Checked<User>> {
    const slot = admission.slot(request);
    try {
      // No room: load, not a fault (no `error`); the client retries with backoff.
      if (slot.enter()) return { outcome: { kind: 'refused', ...CLOSE.tryAgain } };
      return await check(token, request, { carrier: 'message' }, slot);
    } catch (error) {
      return { outcome: { kind: 'refused', ...CLOSE.internal, error } }; // the `address` option threw
    } finally {
      slot.release();
    }
  }

  async function upgrade(request: GateRequest<Req>): Promise<UpgradeDecision<Socket>> {
    const slot = admission.slot(request);
    let decision: UpgradeDecision<Socket> = GONE;
    try {
      decision = await decide(request, slot);
    } catch (error) {
      events.emit('error', error, request.native);
    } finally {
      // An accepted upgrade keeps its place until `open` settles it or `abandon`.
      if (decision.kind !== 'accept') slot.release();
    }
    return decision;
  }

  async function decide(request: GateRequest<Req>, slot: PendingSlot): Promise<UpgradeDecision<Socket>> {
    const origin = originOf(request);
    const refuse = (status: number, reason: string, headers: Record<string, string> = {}): UpgradeDecision<Socket> => {
      refused({ status, reason, origin, req: request.native });
      return { kind: 'refuse', status, headers };
    };
    if (closing) return refuse(503, 'gate closed');
    if (!serves(request.url)) return refuse(400, 'path not served'); // as ws's WebSocketServer({ path }) answers
    let full: ReturnType<PendingSlot['enter']>;
    try {
      full = slot.enter(); // held until settled: bounds verify calls and anonymous sockets
    } catch (error) {
      // The `address` option threw: the gate's fault, not the client's; answered like any refusal.
      events.emit('error', error, request.native);
      return refuse(500, 'address option threw');
    }
    // Overloaded, not wrong: a client that reads the answer (Node's `ws`, a proxy) may come back in a second.
    if (full) return refuse(full.status, full.reason, { ...RETRY_AFTER });
    if (!isWebSocketHandshake(request)) return refuse(400, 'not a websocket handshake');
    if (!(await originAllowed(request).catch(() => false))) return refuse(403, 'origin not allowed');

    const offered = offeredProtocols(request);
    if (offered === undefined) return refuse(400, 'malformed subprotocol header');
    const protocol = selectProtocol(offered, settings.protocols, settings.prefix);
    // Selecting nothing would make the client fail the handshake anyway; saying
    // so now keeps `verify` from spending a ticket on it.
    if (offered.length > 0 && protocol === undefined) {
      const onlyTokens = offered.every((entry) => entry.startsWith(settings.prefix));
      return refuse(400, onlyTokens ? 'only a token subprotocol offered' : 'no acceptable subprotocol');
    }
    for (const stage of stages) {
      const refusal = stage.check?.(offered, request);
      if (refusal) return refuse(refusal.status, refusal.reason);
    }
    const accept = (start: (connection: Connection) => void) => accepted(request, offered, protocol, slot, start);

    const credential = extractCredential(request, settings, offered);
    if (credential.kind === 'none') {
      if (settings.carriers.has('basic')) {
        // Chromium sends a URL's user:pass only after this challenge (deprecated carrier).
        return refuse(401, 'basic challenge', { 'WWW-Authenticate': `Basic realm="${settings.realm}", charset="UTF-8"` });
      }
      if (settings.carriers.has('message')) {
        let evicted = false;
        let waiting: FirstFrameAuth | undefined;
        const full = slot.awaitFirstFrame(() => (waiting ? waiting.evict() : (evicted = true)));
        if (full) return refuse(full.status, full.reason, { ...RETRY_AFTER });
        if (request.gone?.()) return GONE;
        return accept((connection) => {
          if (evicted) return connection.settle({ kind: 'refused', ...CLOSE.authTimeout }, 'message');
          waiting = connection.awaitAuthFrame(slot);
        });
      }
      return accept((connection) => connection.settle({ kind: 'refused', ...CLOSE.unauthorized }, undefined, 'no credential'));
    }
    if (credential.kind === 'invalid') {
      const { carrier, reason } = credential;
      return accept((connection) => connection.settle({ kind: 'refused', ...CLOSE.unauthorized }, carrier, reason));
    }
    const { carrier, token, username } = credential;
    if (request.gone?.()) return GONE; // a credential is never verified for a request that is gone
    const verdict = await check(token, request, username === undefined ? { carrier } : { carrier, username }, slot);
    if (request.gone?.()) return GONE; // the client left, or another listener took it, while verify ran
    if (closing) return { kind: 'refuse', status: 503, headers: {} };
    return accept((connection) => connection.settle(verdict.outcome, carrier, undefined, verdict.identity));
  }

  function accepted(
    request: GateRequest<Req>,
    offered: readonly string[],
    protocol: string | undefined,
    slot: PendingSlot,
    start: (connection: Connection) => void,
  ): UpgradeAccepted<Socket> {
    let used = false;
    return {
      kind: 'accept',
      protocol,
      open(socket, controls) {
        if (used) throw new Error('authsocket gate core: open() or abandon(), once per accepted upgrade');
        used = true;
        const connection = new Connection(socket, controls, request, offered);
        opened.add(connection);
        connectionOf.set(socket, connection);
        try {
          if (closing) void connection.end(CLOSE.goingAway.code, CLOSE.goingAway.reason);
          else start(connection);
        } finally {
          slot.release();
        }
        return connection;
      },
      abandon() {
        if (used) return;
        used = true;
        slot.release();
      },
    };
  }

  /** One socket's life in the gate: pending (authenticating), admitted, ended. */
  // It is also the adapter's SocketHandler: no closures per socket.
  class Connection implements Held, SocketHandler {
    phase: 'pending' | 'staging' | 'admitted' | 'ended' = 'pending';
    #firstFrame: FirstFrameAuth | undefined;
    /** Gives back the pool place the first frame's wait holds. */
    #firstFrameDone: (() => void) | undefined;
    /** The identity the first frame's credential proved. */
    #verdict: Identity | undefined;
    #reauthentication: ((data: FrameData, isBinary: boolean) => boolean) | undefined;
    #staged: StagedSocket[] = [];
    /** Frames that arrived while the stages were admitting the socket. */
    #waiting: HeldFrame[] = [];
    #ended: Promise<void> | undefined;
    #onClosed: (() => void) | undefined;
    #closed = false;

    constructor(
      readonly socket: Socket,
      readonly controls: SocketControls,
      request: GateRequest<Req>,
      offered: readonly string[],
    ) {
      this.#request = request;
      this.#offered = offered;
    }

    // The request and what it offered, until the socket is handed over: a
    // socket that stays for hours need not keep its upgrade request.
    #request: GateRequest<Req> | undefined;
    #offered: readonly string[];
    get #req(): GateRequest<Req> {
      return this.#request!;
    }

    nativeRequest(): Req | undefined {
      return this.#request?.native;
    }

    get open(): boolean {
      return !this.#closed && this.socket.readyState === READY_STATE.OPEN;
    }

    send(text: string): void {
      if (this.open) this.socket.send(text);
    }

    /** Closes with `code` (once, however many ask), and cuts the connection if the peer does not answer in time. */
    end(code: number, reason: string, revoked = false): Promise<void> {
      if (revoked) for (const stage of this.#staged) stage.revoked?.(code, reason);
      this.#ended ??= new Promise<void>((resolve) => {
        if (this.#closed || this.socket.readyState === READY_STATE.CLOSED) return resolve();
        const grace = setTimeout(() => this.controls.terminate?.(), CLOSE_GRACE_MS);
        this.#onClosed = () => {
          clearTimeout(grace);
          resolve();
        };
        this.socket.close(code, reason);
      });
      return this.#ended;
    }

    awaitAuthFrame(slot: PendingSlot): FirstFrameAuth {
      const done = slot.retain(); // still pending until the auth frame is answered
      this.#firstFrame = awaitAuthFrame<User>({
        timeout: settings.timeout,
        authFrameBytes: limits.authFrameBytes,
        controls: this.controls,
        isOpen: () => this.open,
        send: (text) => this.send(text),
        firstFrame: slot.firstFrameArrived,
        verify: async (token) => {
          const verdict = await check(token, this.#req, { carrier: 'message' }, slot);
          this.#verdict = verdict.identity;
          return verdict.outcome;
        },
        settle: (outcome, held) => {
          done();
          this.settle(outcome, 'message', undefined, this.#verdict, held);
        },
      });
      this.#firstFrameDone = done;
      return this.#firstFrame;
    }
    /** The verdict on the socket: admit it, or close it with the refusal's code. `detail` is for `refused` only. */
    settle(outcome: Outcome<User>, carrier: Carrier | undefined, detail?: string, proven?: Identity, held: readonly HeldFrame[] = []): void {
      if (this.phase !== 'pending') return;
      if (outcome.kind === 'refused') {
        this.phase = 'ended';
        if (outcome.error !== undefined) events.emit('error', outcome.error, this.#req.native);
        refused({ code: outcome.code, reason: detail ?? outcome.reason, carrier, origin: originOf(this.#req), req: this.#req.native });
        void this.end(outcome.code, outcome.reason);
        return;
      }
      // Every accepted verify went through `check`; without its identity the socket has none.
      if (proven === undefined || !this.open) {
        this.phase = 'ended';
        void this.end(CLOSE.internalError.code, CLOSE.internalError.reason);
        return;
      }
      const { user } = outcome;
      identity.admit(this, user, proven);
      admitted.add(this.socket);
      // The message carrier has answered `auth_ok` already.
      if (ack && carrier !== 'message') this.send(AUTH_OK);
      if (carrier === 'message') this.#reauthentication = this.#answerReauthentication();
      this.#waiting.push(...held);
      this.phase = 'staging';
      const staged = stages.map((stage) => stage.admit({ socket: this.socket, user, key: proven.key, request: this.#req, offered: this.#offered }));
      if (staged.some((answer) => answer instanceof Promise)) {
        void Promise.all(staged).then(
          (answers) => this.#handOver(user, answers),
          (error: unknown) => {
            events.emit('error', error, this.#req.native);
            void this.end(CLOSE.internalError.code, CLOSE.internalError.reason);
          },
        );
      } else this.#handOver(user, staged as StagedSocket[]);
    }

    #handOver(user: User, staged: StagedSocket[]): void {
      if (this.phase !== 'staging') return;
      this.#staged = staged;
      this.phase = 'admitted';
      const connection = staged.reduce<StagedSocket['connection']>((chosen, answer) => answer.connection ?? chosen, undefined);
      if (connection?.emit !== false) {
        admitting = this;
        try {
          const appSocket = (connection?.socket ?? this.socket) as Socket;
          if (connection?.info) events.emit('connection', appSocket, user, this.#req.native, connection.info);
          else events.emit('connection', appSocket, user, this.#req.native);
        } finally {
          admitting = undefined;
        }
      }
      // Frames held meanwhile reach the app now, in order, through the same filters as live ones.
      for (const [data, isBinary] of this.#waiting.splice(0)) {
        if (this.phase === 'admitted' && this.#message(data, isBinary)) this.controls.deliver(data, isBinary);
      }
      this.#request = undefined;
      this.#offered = [];
    }

    #answerReauthentication(): (data: FrameData, isBinary: boolean) => boolean {
      const request = this.#req; // kept for the socket's life: re-authentication verifies against it
      return answerReauthentication<User>({
        isOpen: () => this.open,
        send: (text) => this.send(text),
        verify: async (token) => {
          const { outcome, identity: proven } = await recheck(token, request);
          if (outcome.kind !== 'accepted' || proven === undefined) return { outcome };
          return { outcome, renew: () => identity.renew(this, outcome.user, proven) };
        },
        settle: (renewed) => {
          if (renewed.kind === 'accepted') return void events.emit('reauthenticated', this.socket, renewed.user, request.native);
          if (renewed.error !== undefined) events.emit('error', renewed.error, request.native);
          refused({ code: renewed.code, reason: renewed.reason, carrier: 'message', origin: originOf(request), req: request.native });
          void this.end(renewed.code, renewed.reason);
        },
      });
    }

    message(data: FrameData, isBinary: boolean): boolean {
      return this.#message(data, isBinary);
    }

    oversized(): void {
      if (this.phase === 'pending') this.#firstFrame?.oversized();
    }

    closed(code: number, reason: string): void {
      this.#closedNow(code, reason);
    }

    #message(data: FrameData, isBinary: boolean): boolean {
      switch (this.phase) {
        case 'pending':
          this.#firstFrame?.frame(data, isBinary);
          return false;
        case 'staging':
          if (this.#waiting.length < MAX_HELD_FRAMES) this.#waiting.push([data, isBinary]);
          else void this.end(CLOSE.flood.code, CLOSE.flood.reason);
          return false;
        case 'admitted':
          if (this.#reauthentication?.(data, isBinary)) return false;
          return this.#staged.every((stage) => stage.message?.(data, isBinary) ?? true);
        default:
          return false;
      }
    }

    #closedNow(code: number, reason: string): void {
      if (this.#closed) return;
      this.#closed = true;
      this.phase = 'ended'; // a socket that closed while its stages admitted it is never handed over
      this.#onClosed?.();
      this.#firstFrame?.closed();
      this.#firstFrameDone?.();
      identity.forget(this);
      admitted.delete(this.socket);
      opened.delete(this);
      for (const stage of this.#staged) stage.closed?.(code, reason);
    }
  }

  return {
    upgrade,
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    revoke: (key, revokeOptions) => identity.revoke(key, revokeOptions),
    sockets: admitted,
    async close() {
      closing = true;
      identity.close();
      for (const stage of stages) stage.close?.();
      await Promise.all([...opened].map((connection) => connection.end(CLOSE.goingAway.code, CLOSE.goingAway.reason)));
    },
  };
}

function rethrowAsynchronously(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * A `refused` payload that can be logged whole. The request it came from
 * holds the credential (a query ticket in its URL, the Cookie, Authorization
 * and Sec-WebSocket-Protocol headers), so it is attached as a non-enumerable
 * property: `JSON.stringify`, `util.inspect`/`console.log` and object spreads
 * skip it, while `refusal.req` still works for code that asks for it.
 */
function loggable<Req>(refusal: Refusal<Req>): Refusal<Req> {
  const { req, ...fields } = refusal;
  return Object.defineProperty(fields, 'req', { value: req, enumerable: false }) as Refusal<Req>;
}
