#!/usr/bin/env bash
# The whole test suite: Chromium check, build, then every test file under one
# node:test run (unit, type, server and browser tests). Ends with
# "N passed, N failed" and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

node scripts/ensure-chromium.mjs || { echo "0 passed, 1 failed"; exit 1; }
npm run build || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p .artifacts
tap=.artifacts/test-results.tap
shopt -s nullglob
files=(test/unit/*.test.ts test/types/*.test.ts test/package/*.test.ts test/server/*.test.ts test/browser/*.test.ts test/demo/*.test.ts test/interop/*.test.ts)
[ "$#" -gt 0 ] && files=("$@")

node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=120000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
status=$?

passed=$(grep -E '^# pass ' "$tap" | tail -1 | awk '{print $3}')
failed=$(grep -E '^# fail ' "$tap" | tail -1 | awk '{print $3}')
passed=${passed:-0}
failed=${failed:-0}
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
