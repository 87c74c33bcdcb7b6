import type { SessionState, SessionWatcher, SharedSession } from '../core/features.ts';
import type { Outbox } from '../core/outbox.ts';
import { stateTransitions, type StateMachine } from '../core/stateMachine.ts';
import { type AuthSocketError, fail, invalid, queueFull } from '../errors/AuthSocketError.ts';
import type { AuthSocketEvents, Frame, State } from '../types.ts';
import { holdLock, webLocks } from '../utils/webLock.ts';
import { ACKED, ASK, type Ask, BYE, DONE, EVENT, fromWire, HELLO, KEPT, LEAD, type OpenEvent, openRelay, type Relayed, type RelayedOf, SEND, SESSION, SETTLED, STATUS, toWire, WROTE } from './relay.ts';

/** What the instance lends its tab group: the one seam between `AuthSocket` and the sharing. */
export interface TabHost<In> {
  socket: { readonly state: State; open(): void; reconnect(): void; reauthenticate(): Promise<void> };
  events: Outbox<AuthSocketEvents<In>>;
  machine: StateMachine;
  /** Starts this instance's own session (it became the leader). */
  lead(): void;
  /** Writes a frame on the open, authenticated connection now; `false` when there is none. */
  write(frame: Frame): boolean;
  /** Queues a frame for the instance's next authenticated connection. */
  queue(frame: Frame): void;
  /** The instance's `resume` session, which the group carries across a change of leader. */
  session?: SharedSession | undefined;
}

/**
 * One instance's membership of a tab group, as `AuthSocket` calls it: each
 * method returns whether the group handled the call (`false`/`undefined`: the
 * instance does it itself, as the leader or outside the group).
 */
// `_In`: the core names it `TabGroup<In>`; the group does not depend on the message type.
export interface TabGroup<_In = unknown> {
  /** This instance holds the group's connection. */
  readonly leader: boolean;
  /** `open()`: joins the group (or asks the leader to reopen). */
  open(): boolean;
  /** `send()` of a follower (or of an instance not in the group yet). */
  send(frame: Frame): boolean;
  /** `close()`: a follower detaches alone; the leader resigns, then its own session closes. */
  close(code: number, reason: string): boolean;
  /** `reconnect()` of a follower, done by the leader. */
  reconnect(): boolean;
  /** `reauthenticate()` of a follower, done by the leader. */
  reauthenticate(): Promise<void> | undefined;
}

/** The page's events where there is a page (not in a worker). */
const page = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;

const EVENTS = ['state', 'connecting', 'open', 'message', 'close', 'reconnecting', 'unauthorized', 'error', 'reauthenticated'] as const;

/**
 * The tab group for `options.shared`, or `undefined` where the instance keeps its
 * own connection: `shared` off, or no Web Locks / `BroadcastChannel` here.
 */
export function shareAcrossTabs<In>(shared: unknown, url: string, max: number, host: TabHost<In>): TabGroup<In> | undefined {
  if (shared === undefined || shared === false) return undefined;
  if (shared !== true && (typeof shared !== 'string' || shared === '')) throw invalid('shared: give true, false or a group name');
  const locks = webLocks();
  if (!locks || typeof BroadcastChannel === 'undefined') return undefined;
  return joinGroup(locks, `authsocket:${shared === true ? '' : shared}:${url}`, max, host);
}

/**
 * One instance's membership of a tab group. The leader runs the instance's own
 * session and relays its events; a follower mirrors them and hands its sends to
 * the leader, keeping each until the leader confirms it wrote it to the socket.
 */
function joinGroup<In>(locks: LockManager, name: string, max: number, host: TabHost<In>): TabGroup<In> {
  const { socket, events, machine, session } = host;
  // Web Locks, hence this code, exist only in secure contexts, as randomUUID does.
  const id = crypto.randomUUID();
  let relay: BroadcastChannel | undefined;
  let resign: (() => void) | undefined;
  let leader = false;
  /** Follower: knows the leader's state, so relayed events apply. */
  let synced = false;
  /** Not yet written by a leader, in send order (the instance's queue while it follows). */
  let outbox: Array<{ seq: number; frame: Frame }> = [];
  let lastSeq = 0;
  let lastAsk = 0;
  /** Follower: pending `reauthenticate()` calls, by ask number. */
  const calls = new Map<number, (error?: AuthSocketError) => void>();
  /** Leader: each follower's next frame number, for this leadership. */
  const expected = new Map<string, number>();
  /** Leader: its connection's attempt number, for followers that join. */
  let attempt = 0;
  /** Leader: its last `open` payload (with `resume`, the session's status), for followers that join. */
  let lastOpen: OpenEvent | undefined;
  /** Follower: the leader's `resume` session as last heard (a new leader continues it). */
  let copy: SessionState | undefined;
  /** The other instances heard of (joined, not left): a leader's `close()` leaves the session to them. */
  const members = new Set<string>();
  /** Leader: its session's changes, for every follower's copy. */
  const watcher: SessionWatcher = {
    kept: (frame) => post({ k: KEPT, frame }),
    acknowledged: (n) => post({ k: ACKED, n }),
    answered: (state) => post({ k: SESSION, session: state }),
  };

  const post = (message: Relayed) => relay?.postMessage(message);
  const leaving = () => post({ k: BYE, from: id });
  const back = (event: Event) => (event as PageTransitionEvent).persisted && post({ k: HELLO, from: id });
  const following = () => !leader && relay !== undefined;

  function ask(op: Ask): number {
    post({ k: ASK, from: id, n: ++lastAsk, op });
    return lastAsk;
  }

  /** Set while this instance, having won the lock, waits to have heard what the previous leader posted. */
  let settled: (() => void) | undefined;

  /**
   * Runs `then` once every message the previous leader posted has been
   * received (its last frames, acknowledgements, confirmations: a new leader
   * that acted before would send some twice): a message posted to this
   * instance from a second channel arrives after them. At most 1 s.
   */
  function settle(then: () => void): void {
    const probe = new BroadcastChannel(name);
    const done = () => {
      settled = undefined;
      clearTimeout(timer);
      probe.close();
      then();
    };
    const timer = setTimeout(done, 1000);
    settled = done;
    probe.postMessage({ k: SETTLED, to: id } satisfies Relayed);
  }

  /** What this instance sent while following and no leader wrote yet goes back to its own queue, in order. */
  function takeBack(): void {
    for (const { frame } of outbox) host.queue(frame);
    outbox = [];
  }

  function lead(): void {
    leaderGone();
    leader = synced = true;
    expected.clear();
    // The session goes on from what this instance heard of it: the gate's answer
    // says how much of it arrived, and the rest goes again, once.
    if (copy) session?.take(copy);
    session?.watch(watcher);
    copy = undefined;
    post({ k: LEAD });
    takeBack(); // first on the connection this instance now makes
    // A group that gave up (unauthorized, maxRetries) waits for open().
    if (machine.state !== 'closed') host.lead();
  }

  /** The previous leader went away: its connection ended for this instance too. */
  function leaderGone(): void {
    failCalls();
    // Only a state that can move on to `reconnecting` had a connection (or an attempt).
    if (!stateTransitions[machine.state].includes('reconnecting')) return;
    events.emit('close', { code: 1001, reason: 'leader gone', wasClean: false, willReconnect: true });
    follow('reconnecting');
    events.emit('reconnecting', { attempt: 1, delay: 0 });
  }

  /** The shared connection changed (this instance left, or the leader went away): pending calls fail. */
  function failCalls(): void {
    for (const settle of calls.values()) settle(fail('CONNECTION_FAILED', 'closed during re-authentication'));
    calls.clear();
  }

  function receive(message: Relayed): void {
    if ('to' in message && message.to !== id) return; // a reply to another instance
    // Outside this transition: the end of the old leader's connection is this
    // instance's own news, emitted before it leads and relays its events.
    if (message.k === SETTLED) return queueMicrotask(() => settled?.());
    if (message.k === HELLO) members.add(message.from);
    if (message.k === BYE) members.delete(message.from);
    if (leader) serve(message);
    else mirror(message);
  }

  // ── leader ──────────────────────────────────────────────────────────────

  for (const type of EVENTS) {
    events.on(type, (payload: any) => {
      if (!leader) return;
      if (type === 'connecting' || type === 'open') attempt = payload.attempt;
      if (type === 'open') lastOpen = payload;
      post({ k: EVENT, type, payload: type === 'error' ? toWire(payload) : payload, n: type === 'message' ? session?.received : undefined });
    });
  }

  /** A follower's message. */
  function serve(message: Relayed): void {
    switch (message.k) {
      case HELLO:
        return post({ k: STATUS, to: message.from, state: machine.state, attempt, openPayload: lastOpen, session: session?.state() });
      case SEND:
        return write(message);
      case ASK:
        return act(message);
      case BYE:
        expected.delete(message.from);
    }
  }

  /**
   * A follower's frame: written once, in that follower's order. Below the
   * expected number: written already (the follower sent it again). Above it:
   * an earlier one could not be written, so this one waits too. No resend is
   * asked for: a write fails only while the leader is not `open` or its
   * connection is ending (send refused, credential rejected), so a working
   * connection comes back only through `open`, at which every follower sends
   * all its unconfirmed frames again (`follow`).
   */
  function write({ from, seq, base, frame }: RelayedOf<typeof SEND>): void {
    if (seq !== (expected.get(from) ?? base) || !host.write(frame)) return;
    expected.set(from, seq + 1);
    post({ k: WROTE, to: from, seq });
  }

  function act({ from, n, op }: RelayedOf<typeof ASK>): void {
    if (op !== 'reauthenticate') return socket[op]();
    const done = (error?: AuthSocketError) => post({ k: DONE, to: from, n, error: error && toWire(error) });
    socket.reauthenticate().then(() => done(), done);
  }

  // ── follower ────────────────────────────────────────────────────────────

  /** The leader's message. */
  function mirror(message: Relayed): void {
    switch (message.k) {
      case LEAD:
        leaderGone();
        synced = true;
        post({ k: HELLO, from: id }); // so that the new leader knows this instance is here
        return;
      case STATUS:
        if (synced) return;
        copy = message.session;
        return catchUp(message.state, message.attempt, message.openPayload);
      case EVENT:
        if (!synced || !isNew(message.n)) return;
        return apply(message.type as keyof AuthSocketEvents<In>, message.payload);
      case KEPT:
        if (copy) {
          copy.sent += 1;
          copy.kept.push(message.frame);
        }
        return;
      case ACKED:
        copy?.kept.splice(0, Math.max(0, message.n - (copy.sent - copy.kept.length)));
        return;
      case SESSION:
        copy = message.session;
        return;
      case WROTE:
        outbox = outbox.filter((entry) => entry.seq > message.seq);
        return;
      case DONE:
        calls.get(message.n)?.(message.error && fromWire(message.error));
        calls.delete(message.n);
    }
  }

  /** A relayed message numbered `n` (`resume`) this instance has not delivered yet; skipped: one a new leader replayed. */
  function isNew(n: number | undefined): boolean {
    if (n === undefined || !copy) return true;
    if (n <= copy.received) return false;
    copy.received = n;
    return true;
  }

  /** Joined a leader in state `state`: catch up as if this instance had lived through it. */
  function catchUp(state: State, attempt: number, open: OpenEvent = { attempt }): void {
    synced = true;
    if (state === 'closed') return follow('closed');
    follow('connecting');
    if (state !== 'reconnecting') events.emit('connecting', { attempt });
    follow(state);
    if (state === 'open') events.emit('open', open);
  }

  function apply<K extends keyof AuthSocketEvents<In>>(type: K, payload: any): void {
    if (type === 'state') return follow(payload.to);
    events.emit(type, type === 'error' ? fromWire(payload) : payload);
  }

  /** Moves to the leader's state, through legal steps when this instance missed some. */
  function follow(to: State): void {
    // Before anything sent after `open` goes, what waited goes first.
    if (to === 'open') outbox.forEach(postFrame);
    for (let step = 0; step < 3 && machine.state !== to; step++) {
      const next = stateTransitions[machine.state];
      machine.moveTo(next.includes(to) ? to : next.includes('connecting') ? 'connecting' : 'reconnecting');
    }
  }

  function postFrame({ seq, frame }: { seq: number; frame: Frame }): void {
    post({ k: SEND, from: id, seq, base: outbox[0]!.seq, frame });
  }

  return {
    get leader() {
      return leader;
    },
    open() {
      if (leader) return false;
      if (relay) ask('open');
      else {
        // Each relayed message is one transition: its events go out once it settled.
        relay = openRelay(name, (message) => events.transition(() => receive(message)));
        // The election: the group's Web Lock, held as long as the leader lives;
        // when its page goes away the browser releases it and the next waiting instance leads.
        // (Not one transition: the end of the old leader's connection is this
        // instance's own news, emitted before it leads and relays its events.)
        const joined = relay;
        resign = holdLock(locks, `${name}:leader`, () => settle(() => relay === joined && lead()));
        post({ k: HELLO, from: id });
        // A tab closed by the user never calls close(): it says goodbye as its page goes
        // (and hello again back from the back/forward cache), so that a leader's close()
        // hands the session to instances still there, or ends it.
        page.addEventListener?.('pagehide', leaving);
        page.addEventListener?.('pageshow', back);
      }
      return true;
    },
    send(frame) {
      if (leader) return false;
      if (outbox.length >= max) throw queueFull(max);
      const entry = { seq: ++lastSeq, frame };
      outbox.push(entry);
      if (machine.state === 'open') postFrame(entry);
      return true;
    },
    // Leaves the group, then the instance closes as an unshared one does: a
    // leader ends its session (the next instance leads), a follower drops what
    // it had not handed over (the close event counts it).
    close() {
      // A leader with other instances left: one of them continues the session.
      if (leader && members.size > 0) session?.handOver();
      session?.watch(undefined);
      resign?.();
      failCalls();
      post({ k: BYE, from: id });
      page.removeEventListener?.('pagehide', leaving);
      page.removeEventListener?.('pageshow', back);
      relay?.close();
      relay = resign = undefined;
      leader = synced = false;
      copy = undefined;
      takeBack();
      return false;
    },
    reconnect() {
      if (!following()) return false;
      ask('reconnect');
      return true;
    },
    reauthenticate() {
      // Not open: the instance rejects it as it does without a group.
      if (!following() || machine.state !== 'open') return undefined;
      return new Promise((resolve, reject) => calls.set(ask('reauthenticate'), (error) => (error ? reject(error) : resolve())));
    },
  };
}
