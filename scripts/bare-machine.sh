#!/usr/bin/env bash
# Runs a command (default: npm test) as on a machine where the programs the tests
# drive are installed but cannot run: /dev/null bind-mounted over redis-server,
# haproxy, nginx, websockify, Firefox and WebKitWebDriver, and Python's websockets
# made to fail on import. The mounts live in a private mount namespace (root,
# `unshare -m`) and end with the command; apt-get sees the packages as installed,
# so the install step cannot fix them either.
#   bash scripts/bare-machine.sh [command…]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- npm test
exec unshare -m bash -c '
  set -e
  for path in /usr/bin/redis-server /usr/sbin/haproxy /usr/sbin/nginx /usr/bin/websockify \
              /usr/bin/firefox-esr /usr/bin/firefox /usr/bin/WebKitWebDriver; do
    [ -e "$path" ] && mount --bind /dev/null "$path"
  done
  init=$(/usr/bin/python3 -c "import websockets; print(websockets.__file__)" 2>/dev/null || true)
  if [ -n "$init" ]; then
    broken=$(mktemp)
    echo "raise ImportError(\"websockets hidden by scripts/bare-machine.sh\")" > "$broken"
    mount --bind "$broken" "$init"
  fi
  exec "$@"' bare-machine "$@"
