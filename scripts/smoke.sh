#!/usr/bin/env bash
# Smoke test of the built server: `node apps/server/dist/main.js` (no tsx), ready must answer 200,
# then SIGTERM must drain and exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."

data=$(mktemp -d "${TMPDIR:-/tmp}/cadence-smoke.XXXXXX")
log="$data/server.log"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
JWT_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))') \
  PORT=$port HOST=127.0.0.1 DATA_DIR="$data/db" NODE_ENV=production node apps/server/dist/main.js >"$log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$data"' EXIT

status=000
for _ in $(seq 1 120); do
  status=$(curl -s -o "$data/ready.json" -w '%{http_code}' "http://127.0.0.1:$port/api/v1/ready" || true)
  [[ $status == 200 ]] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.5
done
if [[ $status != 200 ]]; then
  echo "smoke: /api/v1/ready answered $status" >&2
  cat "$log" >&2
  exit 1
fi
echo "smoke: /api/v1/ready -> 200 $(cat "$data/ready.json")"
for path in /api/v1/health /openapi.json /docs /trpc/health.live; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  [[ $code == 200 ]] || { echo "smoke: $path answered $code" >&2; cat "$log" >&2; exit 1; }
  echo "smoke: $path -> 200"
done
# After `pnpm build` the server serves the web app's page to a browser at / (curl's */* still gets the JSON index).
code=$(curl -s -o "$data/page.html" -w '%{http_code}' -H 'accept: text/html' "http://127.0.0.1:$port/")
[[ $code == 200 ]] && grep -q 'id="root"' "$data/page.html" || { echo "smoke: / (Accept: text/html) answered $code without the web app" >&2; exit 1; }
echo "smoke: / (Accept: text/html) -> 200, the web app"

kill -TERM $pid
set +e
wait $pid
code=$?
set -e
[[ $code == 0 ]] || { echo "smoke: server exited $code after SIGTERM" >&2; cat "$log" >&2; exit 1; }
echo "smoke: SIGTERM drained and exited 0"
