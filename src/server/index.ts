// `authsocket/server`: the server half of authsocket. Never imported by the
// browser bundle. `createAuthGate` is the Node adapter (`ws`); `createGateCore`
// is the runtime-neutral core other runtimes' adapters are built on.
export { createAuthGate } from './use/ws.ts';
export { routeUpgrades, type UpgradeHandler, type UpgradeServer } from './use/routeUpgrades.ts';
export { Forbidden } from './core/verification.ts';
export { AuthGateError, type AuthGateErrorCode } from './core/errors.ts';
export { createGateCore } from './core/gateCore.ts';
export { READY_STATE } from './core/runtime.ts';
export type {
  Admission,
  AdmissionStage,
  CoreExtensions,
  GateCore,
  SocketHandler,
  StagedSocket,
  UpgradeAccepted,
  UpgradeDecision,
  UpgradeGone,
  UpgradeRefused,
} from './core/contract.ts';
export type {
  ConnectionInfo,
  GateEvents,
  GateOptions,
  OriginPolicy as GateOriginPolicy,
  Refusal as GateRefusal,
  Verify as GateVerify,
} from './core/options.ts';
export type { FrameData, GateRequest, GateSocket, SocketControls } from './core/runtime.ts';
export { createTicketStore } from './tickets.ts';
export { createRedisTicketStore } from './redisTicketStore.ts';
export type { TicketStore, TicketStoreOptions } from './tickets.ts';
export type { RedisCommands, RedisTicketStoreOptions } from './redisTicketStore.ts';
export { createRevocations } from './revocations.ts';
export { createRedisRevocations, RevocationNotShared } from './redisRevocations.ts';
export type { Revocations, RevokeOptions } from './revocations.ts';
export type { RedisPubSub, RedisRevocations, RedisRevocationsOptions } from './redisRevocations.ts';
export type {
  AuthGate,
  AuthGateEvents,
  AuthGateLimits,
  AuthGateOptions,
  Carrier,
  OriginPolicy,
  Refusal,
  UpgradeListener,
  Verify,
  VerifyContext,
} from './types.ts';
export { createRedisSessions } from './resume/redisSessions.ts';
export type { RedisSessions, RedisSessionsClient, RedisSessionsOptions } from './resume/redisSessions.ts';
export { createMemorySessions } from './resume/store.ts';
export type { SessionLimits, SessionOwner, SessionState, SessionStore } from './resume/store.ts';
export type { ResumeOptions } from './resume/options.ts';
export type { SessionInfo } from './resume/registry.ts';
export type { SessionSocket } from './resume/sessionSocket.ts';
