#!/usr/bin/env bash
# Run one scenario of tests/scenarios/sync/ with the sync engine on:
#   sync_scenario.sh SIM KIOSK CONF SCRIPT SHOTS DB online|offline [kiosk args...]
# online: a fresh kiosk-central-sim on a free port, knowing the kiosk id of
# CONF with the development key; offline: an address nobody answers on.
# Exit status: the kiosk's (0 pass, 1 fail).
set -euo pipefail
sim=$1 kiosk=$2 conf=$3 script=$4 shots=$5 db=$6 mode=$7
shift 7
dir=$(mktemp -d)
trap 'kill $simpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
simpid=
rm -f "$db" "$db-wal" "$db-shm"
mkdir -p "$(dirname "$db")" "$shots"
if [ "$mode" = online ]; then
  id=$(sed -n 's/^id *= *//p' "$conf" | head -n1)
  key=$(cd "$(dirname "$conf")" && realpath "$(sed -n 's/^secret_file *= *//p' "$conf" | head -n1)")
  : >"$dir/sim.out" # there before the first look, however late the sim starts
  "$sim" --port 0 --db "$dir/central.db" --kiosk "$id=$key" --quiet >"$dir/sim.out" &
  simpid=$!
  for _ in $(seq 200); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/sim.out")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "${port:-}" ] || { echo "sync_scenario: kiosk-central-sim did not start" >&2; exit 1; }
  url="http://127.0.0.1:$port/v1"
else
  url="http://127.0.0.1:9/v1" # discard port: connection refused
fi
"$kiosk" -c "$conf" --db "$db" --central "$url" --script "$script" --screenshots "$shots" "$@"
