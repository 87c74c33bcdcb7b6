// What every runtime entry (authsocket/server/bun, /deno, /workers) exports
// besides its own `createAuthGate`: the errors, the types of the options and
// events, and revocations (runtime-neutral).
export { AuthGateError, Forbidden, type AuthGateErrorCode, type AuthGateLimits, type Carrier, type GateEvents, type GateOptions, type OriginPolicy, type Refusal, type Verify, type VerifyContext } from '../core/index.ts';
export { createRevocations, type Revocations, type RevokeOptions } from '../revocations.ts';
export type { RuntimeGate } from './runtimeGate.ts';
