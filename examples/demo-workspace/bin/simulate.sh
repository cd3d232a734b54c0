#!/bin/sh
# Breaks (or resets) the demo workspace so the runbooks have something to fix. Acts only inside this folder.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
  fill-logs)
    mkdir -p logs
    for h in $(seq 0 47); do
      f="logs/app-hour-$(printf %02d "$h").log"
      head -c 262144 /dev/zero | tr '\0' 'x' > "$f"
      touch -d "-$((h + 25)) hours" "$f"
    done
    echo "wrote 48 rotated log files (12 MB) into logs/" ;;
  crash-checkout)
    sh services/checkout/ctl.sh start >/dev/null
    pid=$(cat services/checkout/service.pid); kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    echo "$(date -u +%FT%TZ) ERROR checkout: out of memory, exiting" >> services/checkout/service.log
    echo "checkout crashed" ;;
  backlog)
    mkdir -p queue/pending
    for i in $(seq 1 120); do echo "job=$i attempts=$((i % 7))" > "queue/pending/job-$i"; done
    echo "queued 120 jobs" ;;
  errors)
    echo "new_pricing=on" > config/features.env
    for i in $(seq 1 200); do
      if [ $((i % 4)) -eq 0 ]; then echo "req=$i ERROR pricing: division by zero" >> logs/app.log
      else echo "req=$i OK" >> logs/app.log; fi
    done
    echo "logged 200 requests, 25% errors" ;;
  reset)
    sh services/checkout/ctl.sh stop >/dev/null 2>&1 || true
    rm -rf logs/* queue/pending/job-* queue/done queue/poison services/checkout/service.log services/checkout/heartbeat
    cp config/checkout.env.good config/checkout.env
    echo "new_pricing=off" > config/features.env
    echo "reset" ;;
  *) echo "usage: simulate.sh fill-logs|crash-checkout|backlog|errors|reset" >&2; exit 2 ;;
esac
