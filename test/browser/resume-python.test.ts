// `resume` in the browser against the Python reference server written from the
// wire description alone (examples/recipes/python_resume_server.py); the
// scenarios are in ./resume-suite.ts.
import { needsPython, startResumeServer, type ResumeServer } from '../interop/resume-python-rig.ts';
import { engine } from '../support/browser.ts';
import { resumeSuite } from './resume-suite.ts';

let server: ResumeServer;
resumeSuite(`resume in ${engine.name} against the Python reference server`, {
  token: 'good:alice',
  closesOnRequest: true,
  async start() {
    server = await startResumeServer();
    return server.port;
  },
  async restart() {
    const before = server.child;
    await server.restart();
    return before.lines.filter((line) => line.startsWith('{"got"')).map((line) => (JSON.parse(line) as { got: number }).got);
  },
  stop: async () => server?.stop(),
}, needsPython);
