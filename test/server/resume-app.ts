// The demo app the resume tests run on the gate (the same app protocol as the
// Python reference server): {"type":"n","n"} is recorded per session,
// {"type":"stream","count","every"} makes the app send {"type":"s","n":1…count},
// {"type":"report"} is answered with what was recorded. `State` keeps a
// session's record and stream position: in memory here, in Redis for the
// two-instance test (so that the app on the next instance continues the stream).

export interface AppState {
  /** Records the client's number n for the session. */
  got(session: string, n: number): void;
  /** What was recorded for the session, in order. */
  report(session: string): Promise<number[]>;
  /** The stream's settings and the last number sent. */
  stream(session: string): Promise<{ count: number; every: number; last: number } | undefined>;
  streamStarted(session: string, count: number, every: number): void;
  streamSent(session: string, n: number): void;
}

export function memoryAppState(): AppState {
  const got = new Map<string, number[]>();
  const streams = new Map<string, { count: number; every: number; last: number }>();
  return {
    got: (session, n) => void (got.get(session) ?? got.set(session, []).get(session)!).push(n),
    report: async (session) => got.get(session) ?? [],
    stream: async (session) => streams.get(session),
    streamStarted: (session, count, every) => void streams.set(session, { count, every, last: 0 }),
    streamSent: (session, n) => void (streams.get(session)!.last = n),
  };
}

interface Socket {
  readonly readyState: number;
  send(data: string): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** Serves one session on this instance (`moved`: it continues a stream another instance began). */
export function serveSession(socket: Socket, session: string, state: AppState, moved: boolean, log: (line: string) => void = () => {}): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => clearInterval(timer);
  const streamFrom = (count: number, every: number, last: number) => {
    let n = last;
    timer = setInterval(() => {
      // Checked and sent in one go: a session that moved away sends nothing more here.
      if (socket.readyState !== 1 || n >= count) return stop();
      n += 1;
      socket.send(JSON.stringify({ type: 's', n }));
      state.streamSent(session, n);
    }, every);
  };
  socket.on('close', stop);
  socket.on('message', (data: unknown) => {
    const msg = JSON.parse(String(data)) as { type?: string; n?: number; count?: number; every?: number };
    if (msg.type === 'n') {
      log(JSON.stringify({ got: msg.n }));
      state.got(session, msg.n!);
    } else if (msg.type === 'stream') {
      state.streamStarted(session, msg.count!, msg.every!);
      streamFrom(msg.count!, msg.every!, 0);
    } else if (msg.type === 'report') {
      void state.report(session).then((got) => socket.send(JSON.stringify({ type: 'report', got })));
    } else {
      socket.send(String(data)); // anything else is echoed
    }
  });
  if (moved) void state.stream(session).then((stream) => stream && streamFrom(stream.count, stream.every, stream.last));
}
