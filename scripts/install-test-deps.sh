#!/usr/bin/env bash
# Installs the programs the tests drive, when it can: as root with apt-get, the
# Debian packages below that are missing. `npm test` (scripts/test.sh) and
# .ci/run both call it, so they need the same things. It never fails the run:
# whatever is still missing afterwards is named here in one line, and each test
# that needs it is skipped with its own line (or fails, under CI=true).
#   INSTALL_TEST_DEPS=0   check only, install nothing
set -uo pipefail

# usable <path>: a regular file we may execute (a path bind-mounted to /dev/null is not).
usable() { [ -f "$1" ] && [ -x "$1" ]; }
# any <path>…: the first usable one.
any() { local path; for path in "$@"; do [ -n "$path" ] && usable "$path" && return 0; done; return 1; }
python_has() { usable /usr/bin/python3 && /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }

# package<TAB>check: the check succeeds when the package's program is usable.
checks=(
  "chromium	any \"${CHROMIUM_PATH:-}\" /usr/bin/chromium"
  "firefox-esr	any \"${FIREFOX_PATH:-}\" /usr/bin/firefox-esr /usr/bin/firefox"
  "webkit2gtk-driver	any \"${WEBKIT_DRIVER_PATH:-}\" /usr/bin/WebKitWebDriver"
  "xvfb	any \"${XVFB_PATH:-}\" /usr/bin/Xvfb"
  "redis-server	any \"${REDIS_SERVER:-}\" /usr/bin/redis-server"
  "haproxy	any \"${HAPROXY:-}\" /usr/sbin/haproxy"
  "nginx-light	any /usr/sbin/nginx"
  "websockify	any /usr/bin/websockify"
  "python3-websockets	python_has websockets"
  "golang-go	any /usr/bin/go /usr/lib/go/bin/go"
  "golang-github-gorilla-websocket-dev	[ -f /usr/share/gocode/src/github.com/gorilla/websocket/conn.go ]"
  "python3-aiohttp	python_has aiohttp"
  "python3-starlette	python_has starlette"
  "python3-uvicorn	python_has uvicorn"
  "python3-fastapi	python_has fastapi"
)

missing_packages() {
  local entry
  for entry in "${checks[@]}"; do
    eval "${entry#*	}" || printf '%s\n' "${entry%%	*}"
  done
}

mapfile -t missing < <(missing_packages)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "${INSTALL_TEST_DEPS:-1}" != 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing for the tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Waits (bounded) for another apt run to finish instead of failing on its lock.
  apt=(apt-get -qq -o DPkg::Lock::Timeout=300)
  "${apt[@]}" update || echo "apt-get update failed: installing from the package lists there are"
  if ! "${apt[@]}" install -y "${missing[@]}" >/dev/null; then
    # One package apt cannot have must not keep the others out.
    for package in "${missing[@]}"; do "${apt[@]}" install -y "$package" >/dev/null || echo "apt-get could not install $package"; done
  fi
  mapfile -t missing < <(missing_packages)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "not installed, so the tests that need them are skipped: ${missing[*]} (as root: apt-get install ${missing[*]})"
fi
exit 0
