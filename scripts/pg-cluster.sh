#!/usr/bin/env bash
# A throw-away PostgreSQL cluster from this machine's binaries (/usr/lib/postgresql/*/bin, installing Debian's
# postgresql package when missing and running as root). Used by scripts/with-postgres.sh and by the fault tests,
# which stop and restart their own cluster:
#   pg-cluster.sh init DIR         initdb into DIR/data (DIR must exist and be empty)
#   pg-cluster.sh start DIR PORT [durable]
#                                  start it on 127.0.0.1:PORT (socket in DIR, log in DIR/server.log); `durable`
#                                  keeps synchronous_commit on, so a commit survives `stop -m immediate`
#   pg-cluster.sh stop DIR [MODE]  pg_ctl stop -m MODE (default immediate); succeeds when it is not running
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin=$(find_bin)
if [[ -z $bin || ! -x $bin/initdb ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "pg-cluster: no PostgreSQL binaries under /usr/lib/postgresql and not root to install them" >&2
    exit 1
  fi
  echo "pg-cluster: installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi

# initdb refuses to run as root: run the server as the postgres user then.
as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_owner=(runuser -u postgres --)
fi

command=${1:-}
dir=${2:-}
[[ -n $dir ]] || { echo "usage: pg-cluster.sh init|start|stop DIR [PORT [durable]|MODE]" >&2; exit 2; }

case $command in
  init)
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    ;;
  start)
    port=${3:?pg-cluster.sh start DIR PORT}
    # Durability is pointless for a throw-away server; turning it off makes the suite faster. Without fsync a
    # commit still survives the server process dying (not the machine), but only with synchronous_commit on.
    commit="-c synchronous_commit=off"
    [[ ${4:-} == durable ]] && commit=""
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off $commit -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "pg-cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
    ;;
  stop)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m "${3:-immediate}" -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: pg-cluster.sh init|start|stop DIR [PORT|MODE]" >&2
    exit 2
    ;;
esac
