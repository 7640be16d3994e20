#!/usr/bin/env bash
# Starts or stops a CPU load beside a measurement: twice as many busy processes as cores (the
# "loaded" condition of docs/src/methodology/detection-quality.md).
# Usage: scripts/cpu-load.sh start [processes]   (default: 2 × nproc; prints their pids to a file)
#        scripts/cpu-load.sh stop
# The pids are kept in ${CPU_LOAD_PIDS:-/tmp/wasmbench-cpu-load.pids}.
set -euo pipefail
pids=${CPU_LOAD_PIDS:-/tmp/wasmbench-cpu-load.pids}
case ${1:-} in
  start)
    n=${2:-$((2 * $(nproc)))}
    [[ $n =~ ^[0-9]+$ && $n -ge 1 ]] || { echo "cpu-load: processes must be an integer >= 1 (got '$n')" >&2; exit 1; }
    [[ -s $pids ]] && { echo "cpu-load: already running (pids in $pids); stop it first" >&2; exit 1; }
    : > "$pids"
    for _ in $(seq 1 "$n"); do
      # A shell busy loop: no dependency, one core each while scheduled.
      nohup bash -c 'while :; do :; done' > /dev/null 2>&1 &
      echo $! >> "$pids"
    done
    echo "cpu-load: $n busy processes started (pids in $pids)" >&2
    ;;
  stop)
    if [[ -s $pids ]]; then
      xargs kill < "$pids" 2> /dev/null || true
      rm -f "$pids"
      echo "cpu-load: stopped" >&2
    fi
    ;;
  *)
    echo "usage: scripts/cpu-load.sh start [processes] | stop" >&2
    exit 1
    ;;
esac
