// The demo page: plain DOM, no framework. Everything authsocket does shows up
// in the event log; the server's view of each handshake shows up under
// "What crossed the wire". The credential itself is never printed.
/* global AuthSocket */
'use strict';

const $ = (selector) => document.querySelector(selector);
const clientId = Math.random().toString(36).slice(2, 10);
const started = performance.now();

const ui = {
  state: $('#state'),
  name: $('#name'),
  lifetime: $('#lifetime'),
  refresh: $('#refresh'),
  debug: $('#debug'),
  shared: $('#shared'),
  tokenStatus: $('#token-status'),
  chat: $('#chat'),
  online: $('#online'),
  input: $('#chat-input'),
  wire: $('#wire'),
  log: $('#log'),
};
ui.name.value = `tab-${clientId.slice(0, 4)}`;
// New tabs start with the same choice, so that three tabs share one connection.
ui.shared.checked = localStorage.getItem('demo.shared') === '1';
/** Whose tickets, handshakes and controls: this tab's, or the shared connection's. */
let client = clientId;

/** @type {AuthSocket | undefined} */
let socket;
let queued = 0;
let tokenTimer;
let seq = 0;

// ── the event log ──────────────────────────────────────────────────────────
// One grid row per entry (time · event · text), so long text wraps in its own column.
// Returns the entry, so that a repeated line can be updated instead of added again.
function log(event, text, tone = '') {
  const item = document.createElement('li');
  item.dataset.event = event;
  item.dataset.seq = String(++seq);
  if (tone) item.className = tone;
  const time = document.createElement('time');
  time.textContent = `${((performance.now() - started) / 1000).toFixed(2)}s`;
  const tag = document.createElement('b');
  tag.textContent = event;
  const body = document.createElement('span');
  body.textContent = text;
  item.append(time, ' ', tag, ' ', body);
  const stick = ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 20;
  ui.log.append(item);
  while (ui.log.children.length > 400) ui.log.firstChild.remove();
  if (stick) ui.log.scrollTop = ui.log.scrollHeight;
  return item;
}

// ── the token provider: a fresh single-use ticket before EVERY attempt ─────
async function fetchTicket() {
  const lifetime = Number(ui.lifetime.value);
  let response;
  try {
    response = await fetch('/api/ticket', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client, name: ui.name.value, lifetime }),
    });
  } catch {
    // fetch() rejects only when no HTTP answer came at all ("Failed to fetch").
    throw new Error('ticket endpoint unreachable');
  }
  // A proxy in front answers 502/503/504 while the server itself is down.
  if ([502, 503, 504].includes(response.status)) throw new Error('ticket endpoint unreachable');
  if (!response.ok) throw new Error(`ticket endpoint answered ${response.status}`);
  const { token, expiresAt } = await response.json();
  fetchedExpiry = expiresAt;
  showToken(expiresAt);
  // Never log the token: only what it is.
  log('token', expiresAt
    ? `fetched a single-use ticket; session expires in ${Math.round((expiresAt - Date.now()) / 1000)} s`
    : 'fetched a single-use ticket (no expiry)', 'muted');
  return expiresAt ? { token, expiresAt } : token;
}

/** Expiry (ms epoch) of the newest ticket fetched, and of the one the connection in use was opened with. */
let fetchedExpiry;
let activeExpiry;

function showToken(expiresAt) {
  clearInterval(tokenTimer);
  if (!expiresAt) {
    ui.tokenStatus.textContent = 'Newest token: no expiry.';
    return;
  }
  const tick = () => {
    const left = Math.max(0, (expiresAt - Date.now()) / 1000).toFixed(1);
    ui.tokenStatus.textContent = `Newest token expires in ${left} s; the client renews it before then (the server closes 4401 at expiry).`;
  };
  tick();
  tokenTimer = setInterval(tick, 200);
}

/** "in 3.2 s" / "0.4 s ago" for a moment in ms epoch. */
const fromNow = (at) => (at >= Date.now() ? `in ${((at - Date.now()) / 1000).toFixed(1)} s` : `${((Date.now() - at) / 1000).toFixed(1)} s ago`);

// ── the socket ─────────────────────────────────────────────────────────────
function selectedCarrier() {
  return document.querySelector('input[name="carrier"]:checked').value;
}

/** Sockets the user closed (Connect with new settings, Disconnect): their close is no failure. */
const closedByUser = new WeakSet();
function closeByUser(reason) {
  if (!socket) return;
  closedByUser.add(socket);
  socket.close(1000, reason);
}

/** While the ticket endpoint is unreachable: one log line, updated, instead of one per retry. */
let unreachable;
/** The last close, for what the next retry is about. */
let lastClose;

function connect() {
  if (socket) {
    closeByUser('switching settings');
    socket = undefined;
  }
  const via = selectedCarrier();
  const refresh = via === 'message' ? ui.refresh.value : 'reconnect';
  ui.refresh.value = refresh;
  queued = 0;
  client = ui.shared.checked ? 'shared' : clientId;
  log('new', `AuthSocket via '${via}', refresh '${refresh}'${ui.shared.checked ? ', shared across tabs' : ''}`, 'strong');

  const current = new AuthSocket(`/ws?client=${client}`, {
    shared: ui.shared.checked,
    protocols: ['demo.chat.v1'],
    // ack: the server's {"type":"auth_ok"} confirms the credential for every carrier
    // (the demo server's gate has `ack: true`), so `open` never fires before a 4401.
    auth: { via, token: fetchTicket, refresh, ack: true },
    reconnect: { minDelay: 500, maxDelay: 4000 },
    heartbeat: { interval: 4000, timeout: 2000 },
    debug: ui.debug.checked ? (line) => log('debug', line, 'muted') : false,
  });
  socket = current;
  const mine = (listener) => (payload) => current === socket && listener(payload);

  current.on('state', mine(({ from, to }) => {
    ui.state.textContent = current.leader ? to : `${to} · via the leading tab`;
    // Closed because the user asked: grey, not the red of a failure.
    ui.state.dataset.state = to === 'closed' && closedByUser.has(current) ? 'stopped' : to;
    log('state', `${from} → ${to}`, 'muted');
  }));
  current.on('connecting', mine(({ attempt }) => log('connecting', `attempt ${attempt}`)));
  current.on('open', mine(({ attempt }) => {
    unreachable = undefined;
    activeExpiry = fetchedExpiry;
    if (!current.leader) ui.tokenStatus.textContent = 'Tokens: the leading tab fetches them.';
    log('open', `attempt ${attempt}: authenticated${current.leader ? '' : ' (relayed: another tab holds the connection)'}${queued ? `; flushing ${queued} queued message(s)` : ''}`, 'good');
    queued = 0;
    refreshWire();
  }));
  current.on('close', mine(({ code, reason, wasClean, willReconnect, dropped }) => {
    lastClose = { code, reason };
    const parts = [`${code}${reason ? ` "${reason}"` : ''}`, wasClean ? 'clean' : 'not clean', willReconnect ? 'will reconnect' : 'no reconnect'];
    if (dropped !== undefined) parts.push(`${dropped} queued dropped`);
    const byUser = closedByUser.has(current);
    if (byUser) parts.push('you closed it');
    log('close', parts.join(' · '), byUser ? 'muted' : willReconnect ? 'warn' : 'bad');
    showOnline(undefined);
    refreshWire();
  }));
  current.on('reconnecting', mine(({ attempt, delay }) => {
    // Delay 0 is no backoff: the client gave a dead link up itself (heartbeat timeout) or was asked to reconnect.
    const why = lastClose?.code === 4000 ? `after "${lastClose.reason}"` : 'after a dead link';
    log('reconnecting', delay === 0 ? `attempt ${attempt} now: an immediate retry ${why}, no backoff` : `attempt ${attempt} in ${delay} ms (full-jitter backoff)`, 'warn');
  }));
  current.on('error', mine((error) => {
    if (error.code === 'TOKEN_PROVIDER_FAILED' && error.cause?.message === 'ticket endpoint unreachable') {
      // Server restarting: the ticket endpoint is down too. Say so once, calmly, and count.
      if (unreachable?.isConnected) {
        unreachable.count += 1;
        unreachable.lastChild.textContent = `${unreachable.text} (${unreachable.count} attempts so far)`;
        return;
      }
      const text = 'TOKEN_PROVIDER_FAILED: ticket endpoint unreachable (server down or restarting?); retrying with backoff';
      unreachable = Object.assign(log('error', text, 'warn'), { text, count: 1 });
      return;
    }
    // The demo's own provider and codec quote no credential, so the demo shows the cause
    // (a follower tab of a shared connection gets code and message only).
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : '';
    // A refused or unanswered credential the client retries with a fresh one is handled: amber, not red.
    const handled = ['AUTH_REJECTED', 'AUTH_TIMEOUT'].includes(error.code) && /retrying/.test(error.message);
    log('error', `${error.code}: ${error.message}${cause}${handled ? ' — handled: the client reconnects with a fresh ticket' : ''}`, handled ? 'warn' : 'bad');
  }));
  current.on('unauthorized', mine(({ code, reason }) => {
    showOnline(undefined);
    log('unauthorized', `gave up after close ${code}${reason ? ` "${reason}"` : ''}; press Connect to start again`, 'bad');
    refreshWire();
  }));
  current.on('reauthenticated', mine(({ via: how }) => {
    const old = activeExpiry;
    activeExpiry = fetchedExpiry;
    if (how === 'in-place') {
      log('reauthenticated', `via in-place: new auth frame acknowledged on the same connection${activeExpiry ? `; the server now ends it at the new token's expiry, ${fromNow(activeExpiry)}` : ''}`, 'good');
    } else {
      // The client keeps the old connection 1 s for replies in flight, then closes it 1000. If the
      // old token ends first, the server closes it 4401 instead: harmless, it is no longer used.
      const oldEnd = old === undefined ? '' : old - Date.now() > 1_000
        ? ` (its token would expire ${fromNow(old)})`
        : `, unless its token expires first (${fromNow(old)}): then the server closes it 4401, which is harmless, since nothing uses it any more`;
      log('reauthenticated', `via reconnect: the new connection is in use; the old one stays open 1 s for replies in flight, then closes 1000${oldEnd}. See the wire.`, 'good');
    }
    refreshWire();
  }));
  current.on('message', mine(onMessage));
}

function onMessage(msg) {
  switch (msg?.type) {
    case 'chat': {
      const item = document.createElement('li');
      const who = document.createElement('b');
      who.textContent = `${msg.from}: `;
      item.append(who, msg.text);
      if (msg.via && msg.via !== msg.from) {
        const via = document.createElement('small');
        via.textContent = ` (over ${msg.via}'s shared connection)`;
        item.append(via);
      }
      ui.chat.append(item);
      ui.chat.scrollTop = ui.chat.scrollHeight;
      return;
    }
    case 'presence':
      showOnline(msg.online);
      return;
    case 'welcome':
      log('message', `server: welcome ${msg.name}, you came in via ${msg.carrier}; selected protocol ${msg.protocol || '(none)'}`, 'muted');
      return;
    default:
      log('message', JSON.stringify(msg), 'muted');
  }
}

/** Presence comes from the server: without a connection, we do not know who is online. */
function showOnline(names) {
  ui.online.textContent = names ? `online: ${names.join(', ')}` : 'online: ? (not connected)';
}

function send(text) {
  if (!socket) return log('send', 'not connected: press Connect', 'warn');
  const willQueue = socket.state !== 'open';
  try {
    socket.send({ type: 'chat', text, tab: ui.name.value });
  } catch (error) {
    return log('error', `${error.code}: ${error.message}`, 'bad');
  }
  if (willQueue) {
    queued += 1;
    log('send', `queued while ${socket.state} (${queued} waiting); sent in order after the next open`, 'warn');
  }
}

// ── what crossed the wire ──────────────────────────────────────────────────
let wireRequest = 0;
function refreshWire() {
  const request = ++wireRequest;
  const load = () => fetch(`/api/wire?client=${client}`)
    .then((response) => response.json())
    .then(({ handshakes }) => request === wireRequest && renderWire(handshakes))
    .catch(() => {}); // the server may be restarting
  load();
  // Later answers too: a make-before-break switch closes the old connection 1 s after.
  setTimeout(load, 600);
  setTimeout(load, 1600);
}

function renderWire(handshakes) {
  ui.wire.replaceChildren();
  if (handshakes.length === 0) {
    ui.wire.innerHTML = '<p class="hint">No handshake yet.</p>';
    return;
  }
  handshakes.slice(0, 3).forEach((record, index) => {
    const box = document.createElement('div');
    box.className = index === 0 ? 'handshake latest' : 'handshake';
    const title = document.createElement('div');
    title.className = 'handshake-title';
    title.textContent = `${index === 0 ? 'latest' : 'earlier'} ${record.kind}${record.carrier ? ` · carrier: ${record.carrier}` : ''} · ${new Date(record.at).toLocaleTimeString()}`;
    const pre = document.createElement('pre');
    pre.textContent = record.lines.join('\n');
    box.append(title, pre);
    ui.wire.append(box);
  });
}

// ── controls ───────────────────────────────────────────────────────────────
for (const button of document.querySelectorAll('[data-action]')) {
  button.addEventListener('click', async () => {
    const { action } = button.dataset;
    log('server', `asked the server to: ${button.textContent}`, 'strong');
    try {
      const response = await fetch(`/api/control/${action}?client=${client}`, { method: 'POST' });
      const result = await response.json();
      if (result.affected === 0) log('server', 'no open connection of this tab to act on', 'warn');
    } catch {
      log('server', 'the server did not answer', 'warn');
    }
  });
}

$('#connect').addEventListener('click', connect);
$('#disconnect').addEventListener('click', () => closeByUser('user disconnected'));
$('#reauth').addEventListener('click', () => {
  if (!socket) return;
  log('reauthenticate', 'calling socket.reauthenticate()');
  socket.reauthenticate().catch((error) => log('reauthenticate', `rejected: ${error.code}: ${error.message}`, 'bad'));
});
$('#clear-log').addEventListener('click', () => ui.log.replaceChildren());
for (const radio of document.querySelectorAll('input[name="carrier"]')) radio.addEventListener('change', connect);
ui.refresh.addEventListener('change', () => {
  if (ui.refresh.value === 'in-place' && selectedCarrier() !== 'message') {
    log('note', "refresh 'in-place' needs the message carrier: switching to it", 'warn');
    document.querySelector('input[value="message"]').checked = true;
  }
  connect();
});
ui.debug.addEventListener('change', connect);
// A new lifetime applies to the next ticket: fetch one now, without dropping the connection.
ui.lifetime.addEventListener('change', () => {
  if (socket?.state !== 'open') return log('note', 'token lifetime: applies to the next connection attempt', 'muted');
  log('reauthenticate', `token lifetime ${ui.lifetime.selectedOptions[0].textContent}: calling socket.reauthenticate() for a ticket with it`);
  socket.reauthenticate().catch((error) => log('reauthenticate', `rejected: ${error.code}: ${error.message}`, 'bad'));
});
ui.shared.addEventListener('change', () => {
  localStorage.setItem('demo.shared', ui.shared.checked ? '1' : '0');
  connect();
});
$('#chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value.trim();
  if (!text) return;
  send(text);
  ui.input.value = '';
});

log('page', `tab ${clientId}: loaded dist/authsocket.js (the development build) with a <script> tag (typeof AuthSocket = ${typeof AuthSocket})`, 'muted');
connect();
