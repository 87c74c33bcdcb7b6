// Outside programs the tests drive (redis-server, HAProxy, nginx, websockify,
// Python, Go …): found and runnable, or skipped with one line naming the Debian
// package that brings them. Under CI=true a missing program fails the run
// instead, with that same line, so that CI never passes by skipping.
//
//   const redis = requireTool(REDIS_BIN, 'redis-server');
//   describe('revocations over Redis', redis, () => { … });      // or test(name, redis, fn)
//   const py = requireTool('/usr/bin/python3', 'python3-websockets', { probe: ['-c', 'import websockets'], what: "Python's websockets" });
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { isExecutable } from '../../scripts/executable.mjs';

export interface ToolOptions {
  /** Arguments that must exit 0 for the tool to count as usable (e.g. `['-c', 'import websockets']`). */
  probe?: string[];
  /** What to call it in the skip line; default: the command's name. */
  what?: string;
  /** Fail instead of skipping; default: `CI=true` in the environment. */
  ci?: boolean;
}

/** The node:test options that skip a test or suite: `{}` when the tool is there. */
export interface SkipOptions {
  skip?: string;
}

// Where Debian puts daemons (haproxy, nginx) that a non-root PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The executable `command` names: itself when it has a `/`, else the first match on PATH (and the sbin directories). */
export function findTool(command: string): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  return dirs.map((dir) => join(dir, command)).find(isExecutable);
}

/** What the skip line calls the tool: `options.what`, else the command's file name. */
const toolName = (command: string, options: ToolOptions) => options.what ?? command.split('/').at(-1)!;

/** Why `command` cannot be used here, in one line naming the Debian package; undefined when it can. */
export function toolMissing(command: string, debianPackage: string, options: ToolOptions = {}): string | undefined {
  const what = toolName(command, options);
  const install = `install it with \`apt-get install ${debianPackage}\` (Debian package ${debianPackage}) or \`bash scripts/install-test-deps.sh\` as root`;
  const path = findTool(command);
  if (!path) return `needs ${what}: ${command} is missing or not executable; ${install}`;
  if (options.probe) {
    const probe = spawnSync(path, options.probe, { stdio: 'ignore', timeout: 10_000 });
    if (probe.status !== 0) return `needs ${what}: \`${command} ${options.probe.join(' ')}\` failed; ${install}`;
  }
  return undefined;
}

/**
 * Skip options for a node:test `describe`/`test` that needs an outside program.
 * When it is missing: `{ skip: <one line> }`, or under CI a failing test named
 * after it (and the dependent tests skipped, so they do not crash on it).
 *
 * @example
 * const haproxy = requireTool('/usr/sbin/haproxy', 'haproxy');
 * describe('behind HAProxy', haproxy, () => { … });
 */
export function requireTool(command: string, debianPackage: string, options: ToolOptions = {}): SkipOptions {
  const reason = toolMissing(command, debianPackage, options);
  if (reason === undefined) return {};
  if (options.ci ?? process.env.CI === 'true') {
    test(`missing under CI=true: ${toolName(command, options)}`, () => {
      throw new Error(reason);
    });
  }
  return { skip: reason };
}
