#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL: `scripts/with-postgres.sh CMD...`.
# The server runs from this machine's binaries on loopback with its data in a temp directory (see
# scripts/pg-cluster.sh); DATABASE_URL points at it while CMD runs, and the server and directory are always
# removed afterwards, even on failure.
set -euo pipefail

cluster=$(dirname "$0")/pg-cluster.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/cadence-pg.XXXXXX")
cleanup() {
  bash "$cluster" stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
bash "$cluster" init "$dir"
bash "$cluster" start "$dir" "$port"

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
set +e
"$@"
status=$?
set -e
exit $status
