// authsocket against a real graphql-ws 6 server (`useServer` on `ws`), through
// the message carrier, with the recipe's client (docs/recipes/graphql-ws.md)
// from the built package and Node's `ws` as the WebSocket.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createGraphQLClient, GRAPHQL_WS_CLOSE_CODES, type ServerFrame } from '../../examples/recipes/graphql-ws-client.ts';
import { nextEvent, quietFor, recordEvents, untilState } from '../support/interop/client.ts';
import { startGraphQLServer, type GraphQLServer } from '../support/interop/graphql-ws.ts';

const TICKS = { query: 'subscription { tick }' };
const FAST = { minDelay: 20, maxDelay: 200 };

let server: GraphQLServer;
before(async () => { server = await startGraphQLServer(); });
after(() => server.close());

let tokens: string[];
const clients: Array<{ socket: { close(): void } }> = [];
beforeEach(() => { tokens = []; });
afterEach(() => clients.splice(0).forEach(({ socket }) => socket.close()));
/** A provider that hands out `good-1`, `good-2`, … (or `name-N` for another name). */
const tokenSource = (name = 'good') => async () => {
  const token = `${name}-${tokens.length + 1}`;
  tokens.push(token);
  return token;
};
function client(options: Parameters<typeof createGraphQLClient>[2] = {}, name = 'good') {
  const made = createGraphQLClient(server.url, tokenSource(name), { WebSocket, reconnect: FAST, ...options });
  clients.push(made);
  return made;
}
const nextTick = (socket: Parameters<typeof nextEvent>[0], id: string, n: number, ms = 3000) =>
  nextEvent<ServerFrame>(socket, 'message', ms, (frame) => frame.type === 'next' && frame.id === id && (frame.payload.data as { tick?: number })?.tick === n);
const parsed = (frames: string[]) => frames.map((frame) => JSON.parse(frame));

describe('graphql-ws 6 through the message carrier', () => {
  test('connection_init carries the token, connection_ack opens, setup subscribes before anything queued', async () => {
    const first = server.connections.length;
    const { socket, subscribe } = client();
    subscribe('ticks', TICKS);
    socket.send({ type: 'ping' }); // queued: must go out after setup's subscribe
    await untilState(socket, 'open');
    await server.waitFor(() => server.connections[first]?.frames.length === 3, 'init, subscribe, ping');
    assert.deepEqual(parsed(server.connections[first]!.frames), [
      { type: 'connection_init', payload: { token: 'good-1' } },
      { type: 'subscribe', id: 'ticks', payload: TICKS },
      { type: 'ping' },
    ]);
    assert.deepEqual(server.verified.at(-1), 'good-1');
    await server.waitFor(() => server.active === 1, 'one live subscription');
    const delivered = nextTick(socket, 'ticks', 1);
    server.publish(1);
    await delivered;
    socket.close();
  });

  test('a make-before-break refresh (reauthenticate) keeps the subscription: setup runs on the new connection before the switch', async () => {
    const { socket, subscribe } = client();
    subscribe('ticks', TICKS);
    await untilState(socket, 'open');
    await server.waitFor(() => server.active === 1, 'subscribed');
    const first = server.connections.length - 1;
    const refreshed = nextEvent(socket, 'reauthenticated');
    await socket.reauthenticate();
    assert.deepEqual(await refreshed, { via: 'reconnect' });
    // The first frame sent after the switch goes to the new connection, after setup's subscribe.
    socket.send({ type: 'ping' });
    const fresh = server.connections[first + 1]!;
    await server.waitFor(() => fresh.frames.length >= 3, 'init, subscribe, ping on the new connection');
    assert.deepEqual(parsed(fresh.frames), [
      { type: 'connection_init', payload: { token: 'good-2' } },
      { type: 'subscribe', id: 'ticks', payload: TICKS },
      { type: 'ping' },
    ], 'the new connection was subscribed before the switch');
    // The old connection is retired (closed 1000 after a grace period); its subscription ends with it.
    await server.waitFor(() => server.connections[first]!.closed && server.active === 1, 'old connection closed, one subscription left', 5000);
    const log = recordEvents(socket);
    const delivered = nextTick(socket, 'ticks', 2);
    server.publish(2);
    await delivered;
    await quietFor(100);
    assert.equal(log.filter(([type, frame]) => type === 'message' && frame.type === 'next').length, 1, 'delivered once, by the new connection');
    socket.close();
  });

  test('a drop (the server terminates the socket): the client reconnects and setup re-subscribes first', async () => {
    const { socket, subscribe } = client();
    subscribe('ticks', TICKS);
    await untilState(socket, 'open');
    await server.waitFor(() => server.active === 1, 'subscribed');
    const dropped = server.connections.length - 1;
    const closed = nextEvent(socket, 'close');
    server.connections[dropped]!.ws.terminate();
    assert.equal((await closed).willReconnect, true);
    socket.send({ type: 'ping' }); // queued while reconnecting
    await untilState(socket, 'open');
    const again = server.connections[dropped + 1]!;
    await server.waitFor(() => again.frames.length >= 3 && server.active === 1, 'resubscribed');
    assert.deepEqual(parsed(again.frames).map((frame) => frame.type), ['connection_init', 'subscribe', 'ping']);
    const delivered = nextTick(socket, 'ticks', 3);
    server.publish(3);
    await delivered;
    socket.close();
  });

  test('onConnect returning false closes 4403: unauthorized {4403}, no retry', async () => {
    const upgrades = server.upgrades;
    const { socket } = client({}, 'banned');
    const unauthorized = await nextEvent(socket, 'unauthorized');
    assert.equal(unauthorized.code, 4403);
    assert.equal(socket.state, 'closed');
    await quietFor(500); // ≫ FAST backoff: a retry would have happened by now
    assert.equal(server.upgrades - upgrades, 1, 'one upgrade, no retry');
    assert.deepEqual(tokens, ['banned-1']);
  });

  test('4400 right after the ack (a bad subscribe) with the recipe closeCodes: fatal, one attempt', async () => {
    const upgrades = server.upgrades;
    const { socket, subscribe } = client({ reconnect: FAST });
    subscribe('bad', { query: 42 as unknown as string }); // graphql-ws closes 4400 "Invalid message received"
    const failed = nextEvent<{ code: string; message: string }>(socket, 'error', 5000, (error) => error.code === 'CONNECTION_FAILED');
    await untilState(socket, 'closed');
    assert.match((await failed).message, /4400/);
    await quietFor(300);
    assert.equal(server.upgrades - upgrades, 1);
  });

  test('4400 right after the ack, retried: a growing backoff, not a tight loop (reconnect.minUptime)', async () => {
    const upgrades = server.upgrades;
    const { socket } = client({
      closeCodes: { ...GRAPHQL_WS_CLOSE_CODES, 4400: 'retry' },
      reconnect: { minDelay: 100, maxDelay: 5000 }, // minUptime: the default 5 s
    });
    // The app's own frame on every open; graphql-ws acks, then closes 4400 at once.
    socket.on('open', () => socket.send({ type: 'subscribe', id: 'bad', payload: { query: 42 as unknown as string } }));
    // Counting upgrades in a fixed window. With the delay starting over at every ack the
    // client reconnects about every 70 ms (~40 upgrades in 3 s); with a growing full-jitter
    // backoff (100·2^n ms) it makes about 6, and more than 12 is vanishingly unlikely.
    await quietFor(3000);
    const count = server.upgrades - upgrades;
    socket.close();
    assert.ok(count >= 2, `it does retry (${count} upgrades)`);
    assert.ok(count <= 12, `at most 12 upgrades in 3 s, saw ${count}`);
  });

  test('heartbeat: graphql-ws answers {"type":"ping"} with a pong, the socket stays up, pongs are not app messages', async () => {
    const upgrades = server.upgrades;
    const { socket } = client({ heartbeat: { interval: 100, timeout: 300 } });
    const log = recordEvents(socket);
    await untilState(socket, 'open');
    const connection = server.connections.at(-1)!;
    await server.waitFor(() => connection.frames.filter((frame) => frame === '{"type":"ping"}').length >= 8, '8 pings', 5000);
    assert.equal(server.upgrades - upgrades, 1);
    assert.equal(log.filter(([type]) => type === 'close').length, 0, 'no heartbeat timeout');
    assert.equal(log.filter(([type, frame]) => type === 'message' && frame.type === 'pong').length, 0);
    socket.close();
  });

  test("in-place refresh does not fit graphql-ws: a second connection_init is closed 4429 (fatal in the recipe)", async () => {
    const inPlace = client();
    await untilState(inPlace.socket, 'open');
    const connection = server.connections.at(-1)!;
    // What an in-place refresh would send: a new connection_init on the live socket.
    const closed = nextEvent<{ code: number }>(inPlace.socket, 'close');
    inPlace.socket.send({ type: 'connection_init', payload: { token: 'good-x' } });
    assert.equal((await closed).code, 4429);
    await untilState(inPlace.socket, 'closed');
    await server.waitFor(() => connection.closed, 'the server closed its side');
  });
});
