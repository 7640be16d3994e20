#!/usr/bin/env bash
# Starts the servers wasmbench can use instead of its embedded defaults, for a developer (and for
# .ci/run), in one command, on 127.0.0.1 only:
#   - Redis (no persistence), for a suite's `[backends] store` or `remote_cache`;
#   - PostgreSQL (a throwaway cluster under the state folder), for a suite's `[db] url` and for
#     `--history postgres://…`. It gets a login role `wasmbench` (password `wasmbench`) with
#     CREATEROLE and CREATEDB, the rights wasmbench needs on a server of your own, and no more.
# Usage:
#   scripts/servers.sh start [redis|postgres]   # both when none is named
#   scripts/servers.sh stop [redis|postgres]
#   scripts/servers.sh status
#   scripts/servers.sh env                       # the exports the tests read
# Ports: REDIS_PORT (6379), PG_PORT (55432). Needs Debian's `redis-server` and `postgresql`.
set -euo pipefail
redis_port=${REDIS_PORT:-6379}
pg_port=${PG_PORT:-55432}
state=${WASMBENCH_SERVERS_DIR:-${XDG_RUNTIME_DIR:-/tmp}/wasmbench-servers}
mkdir -p "$state"
redis_pidfile=$state/redis-$redis_port.pid
pg_data=$state/pg-$pg_port
redis_url=redis://127.0.0.1:$redis_port
pg_url=postgres://wasmbench:wasmbench@127.0.0.1:$pg_port/wasmbench

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x $dir/initdb ]] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
  echo "PostgreSQL's server programs (initdb, pg_ctl) not found: apt-get install postgresql" >&2
  exit 1
}

# PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user.
as_pg() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

redis_running() { [[ -s $redis_pidfile ]] && kill -0 "$(cat "$redis_pidfile")" 2>/dev/null; }
pg_running() { [[ -s $pg_data/postmaster.pid ]] && kill -0 "$(head -1 "$pg_data/postmaster.pid")" 2>/dev/null; }

start_redis() {
  if redis_running; then
    echo "redis: already running: $redis_url"
    return
  fi
  command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$redis_pidfile" --logfile "$state/redis-$redis_port.log"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && break
    sleep 0.05
  done
  echo "redis: $redis_url   (in a suite: [backends] remote_cache = \"$redis_url\")"
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  if [[ ! -s $pg_data/PG_VERSION ]]; then
    mkdir -p "$pg_data"
    [[ $(id -u) == 0 ]] && chown postgres "$pg_data" && chmod 755 "$state"
    as_pg "$bin/initdb" -D "$pg_data" --username=postgres --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$state/pg-$pg_port-initdb.log"
  fi
  if ! pg_running; then
    as_pg "$bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
      -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  fi
  # The login role and database wasmbench uses (once per cluster).
  as_pg "$bin/psql" -h "$pg_data" -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wasmbench') AS missing \gset
\if :missing
CREATE ROLE wasmbench LOGIN PASSWORD 'wasmbench' CREATEROLE CREATEDB;
CREATE DATABASE wasmbench OWNER wasmbench;
\endif
SQL
  echo "postgres: $pg_url   (in a suite: [db] url = \"$pg_url\"; history: --history $pg_url)"
}

stop_redis() {
  if [[ -s $redis_pidfile ]]; then
    kill "$(cat "$redis_pidfile")" 2>/dev/null || true
    rm -f "$redis_pidfile"
    echo "redis: stopped"
  else
    echo "redis: not running"
  fi
}

stop_postgres() {
  if pg_running; then
    as_pg "$(pg_bin)/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
    echo "postgres: stopped (its data stays in $pg_data)"
  else
    echo "postgres: not running"
  fi
}

which=${2:-all}
case ${1:-status} in
  start)
    [[ $which == all || $which == redis ]] && start_redis
    [[ $which == all || $which == postgres ]] && start_postgres
    ;;
  stop)
    [[ $which == all || $which == redis ]] && stop_redis
    [[ $which == all || $which == postgres ]] && stop_postgres
    ;;
  status)
    if redis_running; then echo "redis: running: $redis_url"; else echo "redis: not running (scripts/servers.sh start redis)"; fi
    if pg_running; then echo "postgres: running: $pg_url"; else echo "postgres: not running (scripts/servers.sh start postgres)"; fi
    ;;
  env)
    echo "export WASMBENCH_TEST_POSTGRES=$pg_url"
    ;;
  *)
    echo "usage: scripts/servers.sh start|stop [redis|postgres] | status | env" >&2
    exit 2
    ;;
esac
