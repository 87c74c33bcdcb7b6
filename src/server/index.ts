// `authsocket/server`: the Node-only half of authsocket. Never imported by the
// browser bundle.
export { createAuthGate } from './gate.ts';
export { Forbidden } from './Forbidden.ts';
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
export { routeUpgrades, type UpgradeHandler, type UpgradeServer } from './routeUpgrades.ts';
export { createRedisSessions } from './resume/redisSessions.ts';
export type { RedisSessions, RedisSessionsClient, RedisSessionsOptions } from './resume/redisSessions.ts';
export { createMemorySessions } from './resume/store.ts';
export type { SessionLimits, SessionOwner, SessionState, SessionStore } from './resume/store.ts';
export type { ResumeOptions } from './resume/options.ts';
export type { SessionInfo } from './resume/registry.ts';
export type { SessionSocket } from './resume/sessionSocket.ts';
