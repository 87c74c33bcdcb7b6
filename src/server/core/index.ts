// The runtime-neutral gate core: what an adapter for a runtime imports.
// `createGateCore` decides; the adapter (src/server/use/*) translates.

export type { Admission, AdmissionStage, CoreExtensions, GateCore, SocketHandler, StagedSocket, UpgradeAccepted, UpgradeDecision, UpgradeGone, UpgradeRefused } from './contract.ts';
export type { AuthGateLimits, Carrier, ConnectionInfo, GateEvents, GateOptions, OriginPolicy, Refusal, Verify, VerifyContext } from './options.ts';
export type { FrameData, GateRequest, GateSocket, SocketControls } from './runtime.ts';
export { READY_STATE } from './runtime.ts';
export { AuthGateError, type AuthGateErrorCode } from './errors.ts';
export { createGateCore } from './gateCore.ts';
export { Forbidden } from './verification.ts';
