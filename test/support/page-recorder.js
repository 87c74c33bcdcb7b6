// Loaded into test pages: records every event of a socket, in order, so that
// tests can wait on and assert what the page observed.
(() => {
  const EVENTS = ['connecting', 'open', 'message', 'close', 'reconnecting', 'unauthorized', 'error', 'state', 'reauthenticated'];
  window.logs = {};
  window.sockets = {};
  window.track = (name, socket) => {
    const log = (window.logs[name] = []);
    window.sockets[name] = socket;
    for (const type of EVENTS) {
      socket.on(type, (payload) => {
        const entry = payload instanceof Error
          ? { type, code: payload.code, message: payload.message, name: payload.name }
          : { type, payload };
        log.push({ ...entry, at: performance.now() });
      });
    }
    return socket;
  };
  /** Entries of one type for one socket. */
  window.entries = (name, type) => (window.logs[name] || []).filter((entry) => entry.type === type);
})();
