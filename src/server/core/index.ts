// The runtime-neutral gate core: what an adapter for a runtime imports.
// `createGateCore` decides; the adapter (src/server/use/*) translates.
import type { CoreExtensions, GateCore } from './contract.ts';
import type { GateOptions } from './options.ts';
import type { GateSocket } from './runtime.ts';

export type { Admission, AdmissionStage, CoreExtensions, GateCore, SocketHandler, StagedSocket, UpgradeAccepted, UpgradeDecision, UpgradeGone, UpgradeRefused } from './contract.ts';
export type { AuthGateLimits, Carrier, ConnectionInfo, GateEvents, GateOptions, OriginPolicy, Refusal, Verify, VerifyContext } from './options.ts';
export type { FrameData, GateRequest, GateSocket, SocketControls } from './runtime.ts';
export { READY_STATE } from './runtime.ts';
export { AuthGateError, type AuthGateErrorCode } from './errors.ts';

/**
 * Creates the runtime-neutral gate core from the gate's options (the same as
 * `createAuthGate`'s, with `Req` the runtime's own request type, handed back
 * to `verify`, `origins`, `address` and the events).
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
  // The interface is fixed; the implementation lands in the next commit.
  void options;
  void extensions;
  throw new Error('createGateCore: not implemented yet');
}
