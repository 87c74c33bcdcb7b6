#!/usr/bin/env bash
# The whole test suite: Chromium check, build, then node:test over every test
# file: unit, type, package and server tests once, and the browser test files
# (those that use the browser helpers in test/support) once per engine found —
# Chromium, Firefox, WebKit, one after another (AUTHSOCKET_ENGINE=<engine>).
#   ENGINES=chromium,firefox   only these engines (a listed engine that is
#                              missing fails the run instead of being skipped)
#   TEST_CONCURRENCY=1         test files run at once (default 2)
#   bash scripts/test.sh FILE… only these files
# First installs what the tests drive when it can (scripts/install-test-deps.sh);
# a program still missing skips the tests that need it, with one line naming its
# Debian package; under CI=true it fails them instead (and a missing engine fails
# the run, as it does for an engine named in ENGINES).
# Prints which engines ran and which were skipped (and why), per-run counts,
# what was skipped for want of a program, and ends with one line
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

if [ -z "${ENGINES:-}" ] || [[ ",${ENGINES}," == *",chromium,"* ]]; then
  node scripts/ensure-chromium.mjs || { echo "0 passed, 1 failed"; exit 1; }
fi
npm run build || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p .artifacts
rm -f .artifacts/test-results*.tap
shopt -s nullglob
files=(test/unit/*.test.ts test/types/*.test.ts test/package/*.test.ts test/server/*.test.ts test/browser/*.test.ts test/demo/*.test.ts test/interop/*.test.ts)
[ "$#" -gt 0 ] && files=("$@")

# A browser test file is one that launches a browser through test/support.
browser_files=()
other_files=()
for file in "${files[@]}"; do
  if grep -qE "support/(browser|rig|page)\.ts" "$file"; then browser_files+=("$file"); else other_files+=("$file"); fi
done

# Silences MockTimers' "ExperimentalWarning" (node 20); other warnings still show.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning"

summary=()
total_passed=0
total_failed=0
status_all=0

# run <label> <tap file> <files…>: one node:test run; adds its counts to the totals.
run() {
  local label=$1 tap=$2
  shift 2
  local started=$SECONDS
  node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=120000 \
    --test-reporter=./scripts/file-reporter.mjs --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@"
  local status=$?
  local passed failed skipped
  passed=$(grep -E '^# pass ' "$tap" | tail -1 | awk '{print $3}')
  failed=$(grep -E '^# fail ' "$tap" | tail -1 | awk '{print $3}')
  skipped=$(grep -E '^# skipped ' "$tap" | tail -1 | awk '{print $3}')
  passed=${passed:-0}
  failed=${failed:-0}
  skipped=${skipped:-0}
  [ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
  [ "$status" -ne 0 ] && status_all=1
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("$(printf '%-22s %4d passed, %d failed, %d skipped (%ds)' "$label" "$passed" "$failed" "$skipped" $((SECONDS - started)))")
}

if [ "${#other_files[@]}" -gt 0 ]; then
  echo "━━━━ unit, type, package and server tests (${#other_files[@]} files)"
  run "node (no browser)" .artifacts/test-results.tap "${other_files[@]}"
fi

engines_ran=()
engines_skipped=()
if [ "${#browser_files[@]}" -gt 0 ]; then
  while IFS=$'\t' read -r name state detail; do
    if [ "$state" != found ]; then
      if [ -n "${ENGINES:-}" ] || [ "${CI:-}" = true ]; then
        echo "engine ${name} is missing (ENGINES=${ENGINES:-} CI=${CI:-}: a missing engine fails the run): ${detail}"
        summary+=("$(printf '%-22s missing: %s' "$name" "$detail")")
        total_failed=$((total_failed + 1))
        status_all=1
        continue
      fi
      engines_skipped+=("${name} (${detail})")
      continue
    fi
    echo
    echo "━━━━ browser tests in ${name} (${detail}; ${#browser_files[@]} files)"
    AUTHSOCKET_ENGINE=$name run "browser: ${name}" ".artifacts/test-results-${name}.tap" "${browser_files[@]}"
    engines_ran+=("$name")
  done < <(node scripts/find-engines.mjs)
fi

echo
echo "━━━━ summary"
for line in "${summary[@]}"; do echo "  $line"; done
[ "${#browser_files[@]}" -gt 0 ] && echo "  engines run: ${engines_ran[*]:-none}${ENGINES:+ (ENGINES=${ENGINES})}"
[ "${#engines_skipped[@]}" -gt 0 ] && for skipped in "${engines_skipped[@]}"; do echo "  engine skipped: $skipped"; done
# Tests skipped for want of a program (test/support/tools.ts: "needs …"), once each.
while IFS= read -r line; do echo "  skipped: $line"; done < <(
  cat .artifacts/test-results*.tap 2>/dev/null | sed -n 's/^ *ok [0-9]* - .* # SKIP \(needs .*\)$/\1/p' | sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)$/\2 (×\1)/')
if [ "${#browser_files[@]}" -gt 0 ] && [ "${#engines_ran[@]}" -eq 0 ]; then
  echo "  no engine could run the browser tests"
  total_failed=$((total_failed + 1))
  status_all=1
fi
echo "${total_passed} passed, ${total_failed} failed"
[ "$status_all" -eq 0 ] && [ "$total_failed" -eq 0 ]
