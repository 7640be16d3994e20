#!/usr/bin/env bash
# Starts the servers wasmbench can use instead of its embedded defaults, for a developer, in one
# command: a Redis server on 127.0.0.1 (no persistence). Prints the URL to give a suite's
# `[backends] store` or `remote_cache`. Usage:
#   scripts/servers.sh start      # REDIS_PORT=6379 by default
#   scripts/servers.sh stop
#   scripts/servers.sh status
# Needs Debian's `redis-server` (apt-get install redis-server); nothing else is touched.
set -euo pipefail
port=${REDIS_PORT:-6379}
state=${XDG_RUNTIME_DIR:-/tmp}/wasmbench-servers
mkdir -p "$state"
pidfile=$state/redis-$port.pid

case ${1:-status} in
  start)
    if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "redis: already running: redis://127.0.0.1:$port"
      exit 0
    fi
    command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --pidfile "$pidfile" --logfile "$state/redis-$port.log"
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.05
    done
    echo "redis: redis://127.0.0.1:$port   (in a suite: [backends] remote_cache = \"redis://127.0.0.1:$port\")"
    ;;
  stop)
    if [[ -s $pidfile ]]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
      echo "redis: stopped"
    else
      echo "redis: not running"
    fi
    ;;
  status)
    if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "redis: running: redis://127.0.0.1:$port"
    else
      echo "redis: not running (scripts/servers.sh start)"
    fi
    ;;
  *)
    echo "usage: scripts/servers.sh start|stop|status" >&2
    exit 2
    ;;
esac
