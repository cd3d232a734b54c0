#!/bin/sh
# A pretend service: "running" means a heartbeat file updated by a background loop in this folder.
# Everything it touches is inside services/checkout/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pidfile="$here/service.pid"
log="$here/service.log"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "${1:-status}" in
  start)
    if running; then echo "checkout: already running (pid $(cat "$pidfile"))"; exit 0; fi
    (while :; do date -u +%Y-%m-%dT%H:%M:%SZ > "$here/heartbeat"; sleep 5; done) >/dev/null 2>&1 &
    echo $! > "$pidfile"
    echo "$(date -u +%FT%TZ) INFO checkout started (pid $!)" >> "$log"
    echo "checkout: started (pid $!)" ;;
  stop)
    if running; then
      pid=$(cat "$pidfile"); kill "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$pidfile"
    echo "$(date -u +%FT%TZ) INFO checkout stopped" >> "$log"
    echo "checkout: stopped" ;;
  restart)
    "$0" stop >/dev/null; "$0" start ;;
  status)
    if running; then echo "checkout: running (pid $(cat "$pidfile")), last heartbeat $(cat "$here/heartbeat" 2>/dev/null || echo never)"
    else echo "checkout: DOWN, last heartbeat $(cat "$here/heartbeat" 2>/dev/null || echo never)"; exit 3; fi ;;
  *) echo "usage: ctl.sh start|stop|restart|status" >&2; exit 2 ;;
esac
