import type { Emitter } from '../core/emitter.ts';
import { stateTransitions, type StateMachine } from '../core/stateMachine.ts';
import { AuthSocketError, fail, queueFull, notOpen } from '../errors/AuthSocketError.ts';
import type { AuthSocketEvents, Frame, State } from '../types.ts';
import { webLocks } from '../utils/webLock.ts';
import { campaign } from './leader.ts';
import { fromWire, openRelay, type Relayed, toWire } from './relay.ts';

/** What the instance lends its tab group: the one seam between `AuthSocket` and the sharing. */
export interface TabHost<In> {
  socket: { readonly state: State; open(): void; reconnect(): void; reauthenticate(): Promise<void> };
  events: Emitter<AuthSocketEvents<In>>;
  machine: StateMachine;
  /** Starts this instance's own session (it became the leader). */
  lead(): void;
  /** Writes a frame on the open, authenticated connection now; `false` when there is none. */
  write(frame: Frame): boolean;
  /** Queues a frame for the instance's next authenticated connection. */
  queue(frame: Frame): void;
}

const EVENTS = ['state', 'connecting', 'open', 'message', 'close', 'reconnecting', 'unauthorized', 'error', 'reauthenticated'] as const;

/**
 * The tab group for `options.shared`, or `undefined` where the instance keeps its
 * own connection: `shared` off, or no Web Locks / `BroadcastChannel` here.
 */
export function shareAcrossTabs<In>(shared: unknown, url: string, max: number, host: TabHost<In>): TabGroup<In> | undefined {
  if (shared === undefined || shared === false) return undefined;
  if (shared !== true && (typeof shared !== 'string' || shared === '')) {
    throw fail('INVALID_OPTIONS', 'shared: give true, false or a group name');
  }
  const locks = webLocks();
  if (!locks || typeof BroadcastChannel === 'undefined') return undefined;
  return new TabGroup(locks, `authsocket:${shared === true ? '' : shared}:${url}`, max, host);
}

/**
 * One instance's membership of a tab group. The leader runs the instance's own
 * session and relays its events; a follower mirrors them and hands its sends to
 * the leader, keeping each until the leader confirms it wrote it to the socket.
 */
export class TabGroup<In> {
  /** This instance holds the group's connection. */
  leader = false;
  readonly #locks: LockManager;
  readonly #name: string;
  readonly #max: number;
  readonly #host: TabHost<In>;
  readonly #machine: StateMachine;
  readonly #events: Emitter<AuthSocketEvents<In>>;
  readonly #id = Math.random().toString(36).slice(2);
  #relay: ReturnType<typeof openRelay> | undefined;
  #resign: (() => void) | undefined;
  /** Follower: knows the leader's state, so relayed events apply. */
  #synced = false;
  /** Not yet written by a leader, in send order (the instance's queue while it follows). */
  #outbox: Array<{ seq: number; frame: Frame }> = [];
  #seq = 0;
  #callCount = 0;
  /** Follower: pending `reauthenticate()` calls. */
  #calls = new Map<number, { resolve(): void; reject(error: AuthSocketError): void }>();
  /** Leader: each follower's next expected frame number. */
  #next = new Map<string, number>();
  /** Leader: followers asked to resend, not asked again until one of their frames is written. */
  #asked = new Set<string>();
  #attempt = 0;

  constructor(locks: LockManager, name: string, max: number, host: TabHost<In>) {
    this.#locks = locks;
    this.#name = name;
    this.#max = max;
    this.#host = host;
    this.#machine = host.machine;
    this.#events = host.events;
    for (const type of EVENTS) host.events.on(type, (payload: any) => this.#relayEvent(type, payload));
  }

  /** `open()`: joins the group (or asks the leader to reopen); `false` for the leader's own session. */
  open(): boolean {
    if (this.leader) return false;
    if (this.#relay) this.#ask('open');
    else {
      this.#relay = openRelay(this.#name, (message) => this.#receive(message));
      this.#resign = campaign(this.#locks, this.#name, () => this.#lead());
      this.#relay.post({ t: 'hello', id: this.#id });
    }
    return true;
  }

  /** `send()` of a follower (or of an instance not in the group yet); `false` for the leader. */
  send(frame: Frame): boolean {
    if (this.leader) return false;
    if (this.#outbox.length >= this.#max) {
      throw queueFull(this.#max);
    }
    const entry = { seq: ++this.#seq, frame };
    this.#outbox.push(entry);
    if (this.#machine.state === 'open') this.#post(entry);
    return true;
  }

  /** `close()`: a follower detaches alone; the leader resigns, then its own session closes (`false`). */
  close(code: number, reason: string): boolean {
    const leader = this.leader;
    const joined = this.#detach();
    if (leader) return false;
    const dropped = this.#outbox.splice(0).length;
    if (joined || dropped > 0 || this.#machine.state !== 'closed') {
      this.#follow('closed');
      this.#events.emit('close', { code, reason, wasClean: true, willReconnect: false, dropped });
    }
    return true;
  }

  /** `reconnect()` of a follower, done by the leader; `false` otherwise. */
  reconnect(): boolean {
    if (this.leader || !this.#relay) return false;
    this.#ask('reconnect');
    return true;
  }

  /** `reauthenticate()` of a follower, done by the leader; `undefined` otherwise. */
  reauthenticate(): Promise<void> | undefined {
    if (this.leader || !this.#relay) return undefined;
    if (this.#machine.state !== 'open') {
      return Promise.reject(notOpen(this.#machine.state));
    }
    return new Promise((resolve, reject) => this.#calls.set(this.#ask('reauthenticate'), { resolve, reject }));
  }

  #ask(op: 'open' | 'reconnect' | 'reauthenticate'): number {
    const n = ++this.#callCount;
    this.#relay!.post({ t: 'do', id: this.#id, n, op });
    return n;
  }

  /** Leaves the group; says whether the instance was in it. */
  #detach(): boolean {
    const relay = this.#relay;
    this.#resign?.();
    this.#failCalls();
    relay?.post({ t: 'bye', id: this.#id });
    relay?.close();
    this.#relay = this.#resign = undefined;
    this.leader = this.#synced = false;
    return relay !== undefined;
  }

  #lead(): void {
    this.#leaderGone();
    this.leader = this.#synced = true;
    this.#relay!.post({ t: 'lead' });
    // What this instance sent while following goes first, in order.
    for (const { frame } of this.#outbox.splice(0)) this.#host.queue(frame);
    // A group that gave up (unauthorized, maxRetries) waits for open().
    if (this.#machine.state !== 'closed') this.#host.lead();
  }

  /** The previous leader went away: its connection ended for this instance too. */
  #leaderGone(): void {
    this.#failCalls();
    if (!['connecting', 'authenticating', 'open'].includes(this.#machine.state)) return;
    this.#events.emit('close', { code: 1001, reason: 'leader gone', wasClean: false, willReconnect: true });
    this.#follow('reconnecting');
    this.#events.emit('reconnecting', { attempt: 1, delay: 0 });
  }

  /** The shared connection changed (this instance left, or the leader went away): pending calls fail. */
  #failCalls(): void {
    for (const call of this.#calls.values()) call.reject(fail('CONNECTION_FAILED', 'closed during re-authentication'));
    this.#calls.clear();
  }

  #receive(message: Relayed): void {
    const { leader } = this;
    const mine = (message as { id?: string }).id === this.#id;
    switch (message.t) {
      case 'lead':
        if (!leader) {
          this.#leaderGone();
          this.#synced = true;
        }
        return;
      case 'hello':
        if (leader) this.#relay!.post({ t: 'status', id: message.id, state: this.#machine.state, attempt: this.#attempt });
        return;
      case 'status':
        if (mine && !this.#synced) this.#sync(message.state, message.attempt);
        return;
      case 'ev':
        if (!leader && this.#synced) this.#apply(message.type as keyof AuthSocketEvents<In>, message.payload);
        return;
      case 'send':
        if (leader) this.#write(message);
        return;
      case 'wrote':
        if (mine) while (this.#outbox.length > 0 && this.#outbox[0]!.seq <= message.seq) this.#outbox.shift();
        return;
      case 'resend':
        if (mine) this.#flush();
        return;
      case 'do':
        if (leader) this.#do(message);
        return;
      case 'done': {
        const call = mine ? this.#calls.get(message.n) : undefined;
        if (!call) return;
        this.#calls.delete(message.n);
        if (message.error) call.reject(fromWire(message.error));
        else call.resolve();
        return;
      }
      case 'bye':
        this.#next.delete(message.id);
        this.#asked.delete(message.id);
    }
  }

  // ── leader ──────────────────────────────────────────────────────────────

  #relayEvent(type: (typeof EVENTS)[number], payload: any): void {
    if (!this.leader) return;
    if (type === 'connecting' || type === 'open') this.#attempt = payload.attempt;
    this.#relay!.post({ t: 'ev', type, payload: type === 'error' ? toWire(payload) : payload });
  }

  /** A follower's frame: written once, in that follower's order. */
  #write({ id: from, seq, base, frame }: Extract<Relayed, { t: 'send' }>): void {
    const expected = this.#next.get(from) ?? base;
    if (seq < expected) return; // written already (a resend)
    if (seq > expected) {
      if (!this.#asked.has(from)) this.#relay!.post({ t: 'resend', id: from });
      this.#asked.add(from);
      return;
    }
    if (!this.#host.write(frame)) return; // no connection: the follower sends it again after the next open
    this.#next.set(from, seq + 1);
    this.#asked.delete(from);
    this.#relay!.post({ t: 'wrote', id: from, seq });
  }

  #do({ id: from, n, op }: Extract<Relayed, { t: 'do' }>): void {
    const { socket } = this.#host;
    if (op === 'open') return socket.open();
    if (op === 'reconnect') return socket.reconnect();
    socket.reauthenticate().then(
      () => this.#relay?.post({ t: 'done', id: from, n }),
      (error: AuthSocketError) => this.#relay?.post({ t: 'done', id: from, n, error: toWire(error) }),
    );
  }

  // ── follower ────────────────────────────────────────────────────────────

  /** Joined a leader in state `state`: catch up as if this instance had lived through it. */
  #sync(state: State, attempt: number): void {
    this.#synced = true;
    if (state === 'closed') return this.#follow('closed');
    this.#follow('connecting');
    if (state !== 'reconnecting') this.#events.emit('connecting', { attempt });
    this.#follow(state);
    if (state === 'open') this.#events.emit('open', { attempt });
  }

  #apply<K extends keyof AuthSocketEvents<In>>(type: K, payload: any): void {
    if (type === 'state') return this.#follow(payload.to);
    this.#events.emit(type, type === 'error' ? fromWire(payload) : payload);
  }

  /** Moves to the leader's state, through legal steps when this instance missed some. */
  #follow(to: State): void {
    const machine = this.#machine;
    // Before anything sent after `open` goes, what waited goes first.
    if (to === 'open') this.#flush();
    for (let step = 0; step < 3 && machine.state !== to; step++) {
      const from = machine.state;
      machine.moveTo(stateTransitions[from].includes(to) ? to : from === 'idle' || from === 'closed' || from === 'reconnecting' ? 'connecting' : 'reconnecting');
    }
  }

  #flush(): void {
    for (const entry of this.#outbox) this.#post(entry);
  }

  #post({ seq, frame }: { seq: number; frame: Frame }): void {
    this.#relay?.post({ t: 'send', id: this.#id, seq, base: this.#outbox[0]!.seq, frame });
  }
}
