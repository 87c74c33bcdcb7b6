// Small bounded waits on an authsocket client, typed structurally so that they
// work with the client from src/ and with the built package the recipes import.
export interface EventSource {
  readonly state: string;
  on(type: any, listener: (payload: any) => void): () => void;
}

/** Resolves with the first `type` event whose payload passes `match`; rejects after `ms`. */
export function nextEvent<T = any>(socket: EventSource, type: string, ms = 5000, match: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${type}' event within ${ms} ms (state ${socket.state})`));
    }, ms);
    const off = socket.on(type, (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Resolves once `socket.state` is `state`; rejects after `ms`. */
export function untilState(socket: EventSource, state: string, ms = 5000): Promise<void> {
  if (socket.state === state) return Promise.resolve();
  return nextEvent<{ to: string }>(socket, 'state', ms, ({ to }) => to === state).then(() => undefined);
}

/** Every event of `socket`, in order, as `[type, payload]`. */
export function recordEvents(socket: EventSource): Array<[string, any]> {
  const log: Array<[string, any]> = [];
  for (const type of ['connecting', 'open', 'message', 'close', 'reconnecting', 'unauthorized', 'error', 'state', 'reauthenticated']) {
    socket.on(type, (payload: unknown) => log.push([type, payload]));
  }
  return log;
}

/** A bounded pause for negative checks ("nothing more happens") and fixed counting windows; never to synchronise. */
export const quietFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
