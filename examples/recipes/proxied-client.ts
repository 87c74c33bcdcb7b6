// The client behind a proxy with an idle timeout (HAProxy `timeout tunnel`,
// nginx `proxy_read_timeout`): a heartbeat well inside it keeps the socket up.
import { AuthSocket, type AuthSocketOptions } from 'authsocket';

export function connectBehindProxy<In = unknown, Out = In>(
  url: string,
  token: () => Promise<string>,
  /** The proxy's idle timeout in ms (HAProxy `timeout tunnel`, nginx `proxy_read_timeout`). */
  proxyIdleTimeout: number,
  options: AuthSocketOptions<In, Out> = {},
) {
  const third = Math.floor(proxyIdleTimeout / 3);
  return new AuthSocket<In, Out>(url, {
    // Not in the proxy's access log; the `query` carrier is (use single-use tickets there).
    auth: { via: 'subprotocol', token },
    // Ping every third of the idle timeout; a pong (any frame) within another third.
    heartbeat: { interval: third, timeout: third },
    ...options,
  });
}
