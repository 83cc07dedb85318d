#!/usr/bin/env bash
# Headquarters and two sites on one machine (issue 22): three `custos serve` processes, each on its own embedded
# database folder, replicating over the NATS JetStream server at $NATS (started here with `nats-server -js` when none
# answers). Headquarters: http://127.0.0.1:8090/sync; sites: :8091 (site A) and :8092 (site B).
#   scripts/sync-demo.sh [workdir]     (Ctrl-C stops all three; the folders stay for `custos sync status --data ...`)
# Headquarters uses PGlite here for a self-contained demo; in production it runs on PostgreSQL (DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-$(mktemp -d -t custos-sync-demo-XXXX)}
NATS=${CUSTOS_NATS_URL:-nats://127.0.0.1:4222}
PREFIX=${CUSTOS_SYNC_PREFIX:-demo$(date +%s)}
BIN="node bin/custos.js"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

hostport=${NATS#nats://}
if ! (exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}") 2>/dev/null; then
  echo "no NATS server at $NATS: starting nats-server -js (store in $WORK/nats)"
  nats-server -js -p "${hostport#*:}" -sd "$WORK/nats" >"$WORK/nats.log" 2>&1 &
  pids+=($!)
  sleep 1
fi

mkdir -p "$WORK"
echo "work folder: $WORK   prefix: $PREFIX"
# headquarters' identity key (created in its data folder): the sites re-seal templates to its public half, so that
# persons enrolled at both sites are compared by face and finger as well as by name
HQ_KEY=$(CUSTOS_SITE_ID=hq $BIN sync identity-key --data "$WORK/hq")
# the sites: set up against headquarters (checks the server, creates their streams, writes custos-site.json)
for s in A B; do
  $BIN site init --site "SITE_$s" --hq "$NATS" --prefix "$PREFIX" --hq-key "$HQ_KEY" --data "$WORK/site-$s"
done
# something for headquarters to send down to every site (before it serves: one process per data folder)
CUSTOS_SITE_ID=hq $BIN sync send --data "$WORK/hq" --kind alert --key demo-1 --site '*' \
  --body '{"severity":"info","title":"Headquarters to every site: demo alert"}'
CUSTOS_SITE_ID=hq CUSTOS_ROLE=hq CUSTOS_NATS_URL=$NATS CUSTOS_SYNC_PREFIX=$PREFIX $BIN serve --data "$WORK/hq" --port 8090 >"$WORK/hq.log" 2>&1 &
pids+=($!)
port=8091
for s in A B; do
  $BIN serve --data "$WORK/site-$s" --port $port >"$WORK/site-$s.log" 2>&1 &
  pids+=($!)
  port=$((port + 1))
done
echo "headquarters http://127.0.0.1:8090/sync   site A http://127.0.0.1:8091/sync   site B http://127.0.0.1:8092/sync"
echo "sign in everywhere as headquarters' admin, its one-time password in $WORK/hq.log (accounts come down from headquarters"
echo "and replace a site's own first admin; its password is one-time at every site until changed); status: CUSTOS_SITE_ID=hq $BIN sync status --data $WORK/hq"
wait
