#!/bin/sh
# Times `npm start`'s node from its start to /health/ready, then stops it:
# run it several times under a timer of whole processes, two commands in
# turns (docs/PERFORMANCE.md), e.g.
#   for i in 1 2 3 4 5; do
#     /usr/bin/time -f '%U %S %e %M' sh bench/start-to-ready.sh node .build/start.mjs
#     /usr/bin/time -f '%U %S %e %M' sh bench/start-to-ready.sh node --import tsx scripts/start.ts
#   done
# The arguments are the command that starts the node (from the repository's
# root). Its data folder is kept between runs (a warm start: the second start
# of an install, streams and views already there). With RSS_LOG set, the RSS
# of the node running everything, a second after ready, is appended there.
set -eu
key=$(printf '%s' "$*" | cksum | cut -d' ' -f1)
data="${TMPDIR:-/tmp}/seed-start-to-ready-$key"
port=$((20000 + $$ % 20000))
DATA_DIR="$data" PORT="$port" NATS_PORT=$((port + 1)) LOG_LEVEL=warn "$@" >/dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 0.05
done
if [ -n "${RSS_LOG:-}" ]; then
  sleep 1
  awk '/VmRSS/ { print $2 / 1024 }' "/proc/$pid/status" >>"$RSS_LOG"
fi
kill -TERM "$pid"
wait "$pid" || true
