// `resume` in the browser against the gate (`createAuthGate({ resume: true })`,
// sessions in memory) serving the demo app of test/server/resume-app.ts; the
// scenarios are in ./resume-suite.ts.
import { memoryAppState, serveSession, type AppState } from '../server/resume-app.ts';
import { startResumeGate, type ResumeGate } from '../server/resume-wire.ts';
import { engine } from '../support/browser.ts';
import { resumeSuite } from './resume-suite.ts';

let gate: ResumeGate;
let expiring: ResumeGate | undefined;
let state: AppState;
const start = async (port = 0) => {
  state = memoryAppState();
  gate = await startResumeGate({ origins: () => true }, port, (socket, { session, moved }) => serveSession(socket, session, state, !!moved));
  return gate.port;
};

resumeSuite(`resume in ${engine.name} against the gate`, {
  token: 'good',
  start,
  async restart() {
    const [before, recorded] = [gate, state];
    await before.close();
    await start(before.port);
    return (await Promise.all([...before.sessions.keys()].map((id) => recorded.report(id)))).flat();
  },
  async startExpiring() {
    await expiring?.close();
    const own = memoryAppState();
    expiring = await startResumeGate({ origins: () => true, expiresAt: () => Date.now() + 700 }, 0, (socket, { session, moved }) => serveSession(socket, session, own, !!moved));
    return expiring.port;
  },
  stop: async () => {
    await Promise.all([gate?.close(), expiring?.close()]);
  },
});
