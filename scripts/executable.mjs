// Whether a path is a program this process can run: a regular file with execute
// permission. A path bind-mounted to /dev/null (how a bare machine is simulated)
// or a directory is not, though it exists.
import { accessSync, constants, statSync } from 'node:fs';

/** A regular file this process may execute. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
