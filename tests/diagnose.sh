#!/usr/bin/env bash
# kiosk --diagnose end to end (issue 7), with the simulated card reader and
# the local central service:
#   diagnose.sh SIM KIOSK CONF
# SIM: kiosk-central-sim; KIOSK: the kiosk binary; CONF: the shipped
# kiosk.conf (its kiosk id and development key are the sim's kiosk).
#
# First the healthy case: a fresh store, a sim on a free port, a made-up
# KTP-el on the simulated reader: no check fails and the exit status is 0.
# Then each fault on its own, asserting with jq that the matching check
# fails with its reason and that no other check fails (exit status 1):
#   no reader          [reader] type = usb: no USB bus here nor in CI
#   card read error    a card image the simulator refuses (bad-syntax.card)
#   central down       a sim that was started and killed: its port refuses
#   TLS failure        https:// spoken to the plain-HTTP sim
#   clock off          a sim whose clock runs 3 hours ahead (--clock-offset)
#   disk nearly full   [diagnostics] min_free_disk_mb set above the free
#                      space of the store's filesystem: the check compares
#                      the two, so asking for more than there is injects a
#                      full disk without filling one
#   corrupted database garbage over a page in the middle of a copy of the
#                      store; and its header clobbered
# and the TLS certificate's expiry against a TLS sim with a throwaway
# certificate (openssl, 10 days: a warning; 400 days: ok; expired: the
# handshake is refused and network.tls fails saying so). Also the exit
# codes for bad usage (2) and the text report's layout. Checks on the
# display warn here (no display in CI), never fail.
set -euo pipefail
sim=$1 kiosk=$2 conf=$3
src=$(cd "$(dirname "$conf")" && pwd)
cards="$src/tests/cards"
dir=$(mktemp -d /tmp/diagnose.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

id=$(sed -n 's/^id *= *//p' "$conf" | head -n1)
key=$(cd "$src" && realpath "$(sed -n 's/^secret_file *= *//p' "$conf" | head -n1)")

# start_sim NAME [sim args...]: a fresh sim on a free port (--port 0, the
# port read back from its "listening on" line); sets PORT and LAST_PID.
start_sim() {
  local name=$1
  shift
  : >"$dir/$name.out" # there before the first look, however late the sim starts
  "$sim" --port 0 --db "$dir/$name-central.db" --kiosk "$id=$key" --quiet "$@" >"$dir/$name.out" 2>&1 &
  LAST_PID=$!
  pids+=("$LAST_PID")
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/$name.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$LAST_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "diagnose: kiosk-central-sim ($name) did not start:" >&2
  cat "$dir/$name.out" >&2
  exit 1
}

# variant NAME [sed expressions...]: CONF with its relative paths made
# absolute, the store in $dir, and the edits; prints its path.
variant() {
  local name=$1 out="$dir/$1.conf"
  shift
  local args=(-e "s|^secret_file = \([^/].*\)|secret_file = $src/\1|"
    -e "s|^holidays = \([^/].*\)|holidays = $src/\1|"
    -e "s|^database = .*|database = $dir/kiosk.db|")
  for e in "$@"; do args+=(-e "$e"); done
  sed "${args[@]}" "$conf" >"$out"
  echo "$out"
}

# diagnose NAME CONF [kiosk args...]: kiosk --diagnose --json into
# $dir/NAME.json; sets RC.
diagnose() {
  local name=$1 c=$2
  shift 2
  RC=0
  "$kiosk" --diagnose --json -c "$c" "$@" >"$dir/$name.json" 2>"$dir/$name.err" || RC=$?
  if ! jq -e '.checks | type == "array"' "$dir/$name.json" >/dev/null 2>&1; then
    fail "$name: no JSON report (exit $RC)"
    cat "$dir/$name.err"
    return 1
  fi
}

status_of() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .status' "$dir/$1.json"; }
reason_of() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .reason' "$dir/$1.json"; }

# expect NAME CHECK STATUS PHRASE: CHECK has STATUS and PHRASE in its reason.
expect() {
  local s r
  s=$(status_of "$1" "$2")
  r=$(reason_of "$1" "$2")
  if [ "$s" = "$3" ] && grep -qF -- "$4" <<<"$r"; then
    pass "$1: $2 $3: $r"
  else
    fail "$1: $2 is '$s' ('$r'), expected $3 with '$4'"
  fi
}

# only_fails NAME [CHECK...]: no check fails but these.
only_fails() {
  local name=$1 extra
  shift
  extra=$(jq -r --argjson ok "$(printf '%s\n' "$@" | jq -R . | jq -s 'map(select(. != ""))')" \
    '.checks[] | select(.status == "fail" and (.name as $n | $ok | index($n) | not)) | "\(.name): \(.reason)"' \
    "$dir/$name.json")
  if [ -n "$extra" ]; then
    fail "$name: unexpected failures: $extra"
  else
    pass "$name: nothing else fails"
  fi
}

expect_rc() {
  if [ "$RC" -eq "$2" ]; then pass "$1: exit $RC"; else fail "$1: exit $RC, expected $2"; fi
}

base=$(variant base)
db="$dir/kiosk.db"
# A fresh store, made by the kiosk itself (its first frame, then it ends).
SDL_VIDEODRIVER=dummy "$kiosk" -c "$base" --first-frame --no-sync --db "$db" >/dev/null 2>"$dir/fresh.err" ||
  { cat "$dir/fresh.err"; echo "diagnose: cannot make a fresh store" >&2; exit 1; }

start_sim main
main_port=$PORT
url="http://127.0.0.1:$main_port/v1"
siti="$cards/siti.card"

# ---- healthy -----------------------------------------------------------------
diagnose healthy "$base" --db "$db" --central "$url" --card "$siti"
expect_rc healthy 0
only_fails healthy
names=$(jq -r '[.checks[].name] | join(" ")' "$dir/healthy.json")
want="reader.found reader.card reader.read display.screen display.touch display.frames network.central network.tls"
want="$want network.clock sync.last sync.outbox sync.dead storage.database storage.integrity storage.disk storage.wal"
want="$want storage.pending system.version system.config system.uptime"
[ "$names" = "$want" ] && pass "healthy: every check, in order" || fail "healthy: checks are '$names'"
for c in reader.found reader.card reader.read network.central network.clock sync.outbox sync.dead \
  storage.database storage.integrity storage.disk storage.pending system.version system.config; do
  [ "$(status_of healthy $c)" = ok ] || fail "healthy: $c is $(status_of healthy $c): $(reason_of healthy $c)"
done
[ "$(jq -r .status "$dir/healthy.json")" != fail ] && pass "healthy: overall not fail" || fail "healthy: overall fail"
jq -e '.checks | all(has("name") and has("status") and has("value") and has("reason"))' \
  "$dir/healthy.json" >/dev/null && pass "healthy: {name, status, value, reason}" || fail "healthy: fields"
grep -qE '04A1B2C3D4E5F6|3375014101900001' "$dir/healthy.json" && fail "healthy: card data in the report"

# The text report: a header, then each check on one line and its reason
# indented under it.
RC=0
"$kiosk" --diagnose -c "$base" --db "$db" --central "$url" --card "$siti" >"$dir/healthy.txt" 2>/dev/null || RC=$?
expect_rc "healthy text" 0
echo "---- the text report ----"
cat "$dir/healthy.txt"
echo "-------------------------"
head -n1 "$dir/healthy.txt" | grep -qE "^Kiosk $id readiness report, [0-9-]+ [0-9:]+ WIB" &&
  pass "text: header" || fail "text: header"
grep -qE '^Overall: (ok|warn) \([0-9]+ ok, [0-9]+ warn, 0 fail; checks took [0-9]+ ms\)$' "$dir/healthy.txt" &&
  pass "text: overall line" || fail "text: overall line"
[ "$(grep -cE '^(ok  |warn|fail)  [a-z]+\.[a-z]+ ' "$dir/healthy.txt")" -eq 20 ] &&
  pass "text: 20 check lines" || fail "text: check lines"
grep -qE '^ok    network\.central      answered in [0-9]+ ms$' "$dir/healthy.txt" &&
  pass "text: network.central line" || fail "text: network.central line"
if grep -vE '^(Kiosk |Overall: |$|(ok  |warn|fail)  [a-z]+\.[a-z]+| {27}[^ ])' "$dir/healthy.txt"; then
  fail "text: lines outside the layout (above)"
fi

# ---- no reader ---------------------------------------------------------------
usb=$(variant usb 's|^type = sim|type = usb|')
diagnose no-reader "$usb" --db "$db" --central "$url"
expect_rc no-reader 1
expect no-reader reader.found fail "no card reader found"
expect no-reader reader.card warn "not tried: no reader"
only_fails no-reader reader.found

# ---- card read error -----------------------------------------------------------
diagnose bad-card "$base" --db "$db" --central "$url" --card "$cards/bad-syntax.card"
expect_rc bad-card 1
expect bad-card reader.read fail "malformed card image"
only_fails bad-card reader.read

# ---- central service down ------------------------------------------------------
start_sim down
down=$PORT
kill "$LAST_PID"
wait "$LAST_PID" 2>/dev/null || true
diagnose down "$base" --db "$db" --central "http://127.0.0.1:$down/v1" --card "$siti"
expect_rc down 1
expect down network.central fail "connection refused: is the central service running at http://127.0.0.1:$down/v1?"
expect down network.clock warn "not checked: central not reachable"
only_fails down network.central

# ---- TLS failure ---------------------------------------------------------------
diagnose tls-fail "$base" --db "$db" --central "https://127.0.0.1:$main_port/v1" --card "$siti"
expect_rc tls-fail 1
expect tls-fail network.tls fail "TLS failed: "
expect tls-fail network.central warn "the TLS exchange failed"
only_fails tls-fail network.tls

# ---- clock off by hours ----------------------------------------------------------
start_sim clock --clock-offset 10800
diagnose clock "$base" --db "$db" --central "http://127.0.0.1:$PORT/v1" --card "$siti"
expect_rc clock 1
expect clock network.clock fail "the kiosk's clock is 3 h 0 min behind the central service"
expect clock network.clock fail "set the time (NTP)"
only_fails clock network.clock

# ---- disk nearly full -------------------------------------------------------------
avail=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
if [ "$avail" -lt 10000000 ]; then
  full=$(variant full 's|^min_free_disk_mb = .*|min_free_disk_mb = 10000000|')
  diagnose full "$full" --db "$db" --central "$url" --card "$siti"
  expect_rc full 1
  expect full storage.disk fail "MiB free on $dir; at least 10000000 MiB needed"
  only_fails full storage.disk
else
  echo "skip: disk nearly full ($avail MiB free is more than the largest minimum)"
fi

# ---- corrupted database -------------------------------------------------------------
# The page to damage: the first trunk page of the free list (the header's
# 4 bytes at offset 32, big-endian; page size at 16). No table or index
# lives there, so only SQLite's integrity check notices, as with a torn
# write on a page the kiosk had freed; every other check still reads.
be() { od -An -tu1 -j"$2" -N"$3" "$1" | awk '{ v = 0; for (i = 1; i <= NF; i++) v = v * 256 + $i; print v }'; }
cp "$db" "$dir/torn.db"
psize=$(be "$dir/torn.db" 16 2)
[ "$psize" -eq 1 ] && psize=65536
trunk=$(be "$dir/torn.db" 32 4)
pages=$(( $(stat -c %s "$dir/torn.db") / psize ))
if [ "$trunk" -gt 1 ]; then
  head -c "$psize" /dev/urandom | dd of="$dir/torn.db" bs="$psize" seek=$((trunk - 1)) conv=notrunc status=none
  echo "damaged page $trunk of $pages"
  diagnose torn "$base" --db "$dir/torn.db" --central "$url" --card "$siti"
  expect_rc torn 1
  expect torn storage.integrity fail "the database is damaged; restore it from a backup"
  only_fails torn storage.integrity
else
  fail "corrupted database: the fresh store has no free page to damage"
fi
cp "$db" "$dir/header.db"
head -c 100 /dev/urandom | dd of="$dir/header.db" conv=notrunc status=none
diagnose header "$base" --db "$dir/header.db" --central "$url" --card "$siti"
expect_rc header 1
expect header storage.database fail "damaged or not the kiosk's database"
expect header storage.integrity warn "not checked"
expect header sync.outbox warn "not checked: the store cannot be opened"
only_fails header storage.database
diagnose missing "$base" --db "$dir/none.db" --central "$url" --card "$siti"
expect missing storage.database fail "does not exist"
[ -e "$dir/none.db" ] && fail "missing: --diagnose created the store" || pass "missing: the store is not created"

# ---- the TLS certificate's expiry --------------------------------------------------
for days in 10 400; do
  openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/tls$days.key" -out "$dir/tls$days.pem" 2>/dev/null
  start_sim "tls$days" --tls-cert "$dir/tls$days.pem" --tls-key "$dir/tls$days.key"
  tls=$(variant "tls$days" "s|^# ca_file = .*|ca_file = $dir/tls$days.pem|")
  diagnose "tls$days" "$tls" --db "$db" --central "https://127.0.0.1:$PORT/v1" --card "$siti"
  expect_rc "tls$days" 0
  only_fails "tls$days"
  expect "tls$days" network.central ok "https://127.0.0.1:$PORT/v1"
done
# Expired (-days -1): verification refuses it; the report says why.
openssl req -new -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$dir/old.key" -out "$dir/old.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/old.ext"
openssl x509 -req -in "$dir/old.csr" -signkey "$dir/old.key" -days -1 -extfile "$dir/old.ext" \
  -out "$dir/old.pem" 2>/dev/null
start_sim old --tls-cert "$dir/old.pem" --tls-key "$dir/old.key"
old=$(variant old "s|^# ca_file = .*|ca_file = $dir/old.pem|")
diagnose expired "$old" --db "$db" --central "https://127.0.0.1:$PORT/v1" --card "$siti"
expect_rc expired 1
expect expired network.tls fail "TLS failed: TLS certificate expired"
only_fails expired network.tls
expect tls10 network.tls warn "expires in 10 days"
expect tls400 network.tls ok ""
jq -r '.checks[] | select(.name == "network.tls") | .value' "$dir/tls400.json" | grep -qE '^valid until [0-9-]+ \(400 days\)$' &&
  pass "tls400: valid until ... (400 days)" || fail "tls400: network.tls value"

# ---- exit codes for bad usage ---------------------------------------------------------
RC=0; "$kiosk" --json -c "$base" >/dev/null 2>&1 || RC=$?
expect_rc "--json alone" 2
RC=0; "$kiosk" --diagnose --reader-test -c "$base" >/dev/null 2>&1 || RC=$?
expect_rc "--diagnose --reader-test" 2
RC=0; "$kiosk" --diagnose -c "$dir/no-such.conf" >/dev/null 2>&1 || RC=$?
expect_rc "--diagnose with a missing configuration" 2

if [ "$failures" -gt 0 ]; then
  echo "diagnose: $failures failure(s)"
  exit 1
fi
echo "diagnose: all cases pass"
