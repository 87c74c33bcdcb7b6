// What every Fetch-API adapter's gate offers besides its runtime's entry
// point: the core's events, revocation, sockets and shutdown.
import type { GateCore, GateEvents, GateSocket } from '../core/index.ts';
import type { RevokeOptions } from '../revocations.ts';

/**
 * A gate on a runtime: listen for `connection` (and `refused`, `error`,
 * `reauthenticated`), `revoke` a user's sockets, `close` it on shutdown.
 * The adapter adds the method its runtime calls with each request.
 *
 * @example
 * ```ts
 * gate.on('refused', (refusal) => log.info(refusal, 'websocket refused'));   // safe to log whole
 * await gate.revoke('alice');                                                 // her sockets close 4403
 * ```
 */
export interface RuntimeGate<User, Socket extends GateSocket, Req> {
  /** Adds an event listener; returns the function that removes it. */
  on<E extends keyof GateEvents<User, Socket, Req>>(event: E, listener: GateEvents<User, Socket, Req>[E]): () => void;
  off<E extends keyof GateEvents<User, Socket, Req>>(event: E, listener: GateEvents<User, Socket, Req>[E]): void;
  /** Closes every admitted socket of the user with this key (default 4403 `'revoked'`); resolves with how many it closed here. */
  revoke(key: string, options?: RevokeOptions): Promise<number>;
  /** The sockets admitted and not yet closed. */
  readonly sockets: ReadonlySet<Socket>;
  /** Refuses later upgrades (503), closes every socket (1001), resolves once all have closed. Stop the server after it. */
  close(): Promise<void>;
}

/** The core's public side, without its `upgrade` (the adapter's own method calls that). */
export function runtimeGate<User, Socket extends GateSocket, Req>(core: GateCore<User, Socket, Req>): RuntimeGate<User, Socket, Req> {
  return {
    on: (event, listener) => core.on(event, listener),
    off: (event, listener) => core.off(event, listener),
    revoke: (key, options) => core.revoke(key, options),
    get sockets() { return core.sockets; },
    close: () => core.close(),
  };
}
