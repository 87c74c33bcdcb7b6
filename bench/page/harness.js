// Runs inside the bench page (Chromium). Node drives it with page.evaluate:
// every function here measures one thing and returns plain numbers.
// Globals: AuthSocket (dist/authsocket.min.js), ReconnectingWebSocket and
// PartySocketWS (bench/.build/peers.js, bundled by the bench with esbuild).
(() => {
  const TOKEN = 'bench-token-0123456789';
  const now = () => performance.now();
  const epoch = () => performance.timeOrigin + performance.now();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Rejects after `ms`: every wait in the page is bounded. */
  function within(promise, ms, what) {
    let timer;
    return Promise.race([
      promise,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`page: timed out after ${ms} ms: ${what}`)), ms); }),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * One client of any kind behind one small interface, all with the same JSON
   * encode/decode: `opened` resolves on open (authenticated for authsocket),
   * `send(obj)`, `onMessage(fn)` with the decoded object, `close()` resolving
   * once the client reports its close.
   */
  function client(kind, base, options = {}) {
    const withToken = `${base}/ws?access_token=${TOKEN}`;
    if (kind === 'native' || kind === 'reconnecting-websocket' || kind === 'partysocket') {
      const Ctor = kind === 'native' ? WebSocket : kind === 'partysocket' ? window.PartySocketWS : window.ReconnectingWebSocket;
      const ws = kind === 'native' ? new Ctor(withToken) : new Ctor(withToken, [], { maxRetries: 0 });
      const opened = new Promise((resolve, reject) => {
        ws.addEventListener('open', () => resolve(), { once: true });
        ws.addEventListener('error', () => reject(new Error(`${kind}: connection error`)), { once: true });
      });
      return {
        opened,
        send: (msg) => ws.send(JSON.stringify(msg)),
        onMessage: (fn) => ws.addEventListener('message', (event) => fn(JSON.parse(event.data))),
        close: () => new Promise((resolve) => {
          if (ws.readyState === 3) return resolve();
          ws.addEventListener('close', () => resolve(), { once: true });
          ws.close(1000);
        }),
      };
    }
    // authsocket, with the carrier given (default query, like the others' URL).
    const via = options.via ?? 'query';
    const url = via === 'message' ? `${base}/msg` : `${base}/ws`;
    // `ack`: open only once the gate's {"type":"auth_ok"} arrived (gate `ack: true`).
    const auth = { via, token: () => TOKEN, ...(options.ack ? { ack: true } : {}) };
    const socket = new AuthSocket(url, { auth, ...options.extra });
    const opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unauthorized', () => reject(new Error(`authsocket ${via}: unauthorized`)));
    });
    return {
      socket,
      opened,
      send: (msg) => socket.send(msg),
      onMessage: (fn) => socket.on('message', fn),
      close: () => new Promise((resolve) => {
        if (socket.state === 'closed') return resolve();
        socket.once('close', () => resolve());
        socket.close(1000);
      }),
    };
  }

  /**
   * Sends `n` small JSON messages as fast as the page can, and times from the
   * first send until the `n`th echo is decoded. Checks every echo arrived, in order.
   */
  async function throughput(kind, base, n) {
    const c = client(kind, base);
    await within(c.opened, 10_000, `${kind} open`);
    await sleep(50);
    let received = 0;
    let inOrder = true;
    let t0 = 0;
    const done = new Promise((resolve) => {
      c.onMessage((msg) => {
        if (msg.id !== received) inOrder = false;
        if (++received === n) resolve(now() - t0);
      });
    });
    t0 = now();
    for (let id = 0; id < n; id++) c.send({ type: 'chat', id, text: 'hello, world' });
    const ms = await within(done, 60_000, `${kind}: ${n} echoes`);
    await within(c.close(), 10_000, `${kind} close`);
    if (!inOrder) throw new Error(`${kind}: echoes out of order`);
    return ms;
  }

  /** Time from the constructor to (authenticated) `open`; then closes and waits for the close. */
  async function openTime(kind, base, via, ack = false) {
    const t0 = now();
    const c = client(kind, base, { via, ack });
    await within(c.opened, 10_000, `${kind}/${via} open`);
    const ms = now() - t0;
    await within(c.close(), 10_000, `${kind}/${via} close`);
    return ms;
  }

  /** Median round trip of one small JSON message on an open native socket. */
  async function roundTrip(base, count) {
    const c = client('native', base);
    await within(c.opened, 10_000, 'native open');
    let pending;
    c.onMessage(() => pending?.());
    const times = [];
    for (let i = 0; i < count; i++) {
      const t0 = now();
      await within(new Promise((resolve) => { pending = resolve; c.send({ type: 'ping', id: i }); }), 5_000, 'echo');
      times.push(now() - t0);
    }
    await c.close();
    return times;
  }

  // Reconnect: long-lived sockets whose (re)opens are stamped with the epoch clock.
  const live = {};
  async function startLive(name, base, via, reconnect) {
    const c = client('authsocket', base, { via, extra: { reconnect } });
    const entry = (live[name] = { c, opens: [], attempts: [], echoes: 0 });
    let attemptAt = 0;
    // 'connecting' fires as an attempt starts (credential fetched): attempt → open
    // is that attempt's handshake and authentication, without the backoff wait.
    c.socket.on('connecting', () => { attemptAt = now(); });
    c.socket.on('open', () => {
      entry.opens.push(epoch());
      entry.attempts.push(now() - attemptAt);
      // An app message after each open: its echo confirms the connection
      // (authsocket resets its backoff once a connection is confirmed).
      c.socket.send({ type: 'hello' });
    });
    c.socket.on('message', () => { entry.echoes += 1; });
    await within(c.opened, 10_000, `${name} open`);
    return entry.opens.length;
  }
  /** Resolves once the last open has lasted `ms` with no close (bounded): the client's backoff has started over. */
  async function steady(name, ms) {
    const entry = live[name];
    await within((async () => {
      for (;;) {
        const up = epoch() - entry.opens.at(-1);
        if (entry.c.socket.state === 'open' && up >= ms) return;
        await sleep(Math.max(5, ms - up));
      }
    })(), ms + 10_000, `${name} steady for ${ms} ms`);
  }
  const opens = (name) => live[name].opens;
  const attempts = (name) => live[name].attempts;
  /** Opens so far, once each has been confirmed by an echo (bounded wait). */
  async function confirmed(name) {
    const entry = live[name];
    await within((async () => { while (entry.echoes < entry.opens.length) await sleep(5); })(), 10_000, `${name} echo`);
    return entry.opens.length;
  }
  async function stopLive(name) {
    await within(live[name].c.close(), 10_000, `${name} close`);
    delete live[name];
  }

  /** `count` connect → open → close cycles, one after the other. */
  async function cycles(kind, base, count) {
    for (let i = 0; i < count; i++) {
      const c = client(kind, base);
      await within(c.opened, 10_000, `${kind} open (cycle ${i})`);
      await within(c.close(), 10_000, `${kind} close (cycle ${i})`);
    }
  }

  window.bench = { throughput, openTime, roundTrip, startLive, steady, opens, attempts, confirmed, stopLive, cycles, epoch, isolated: () => self.crossOriginIsolated };
})();
