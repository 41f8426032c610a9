#!/usr/bin/env bash
# kiosk-central-sim's two faults for the diagnostics tests, end to end:
#   csim_tls.sh PATH/TO/kiosk-central-sim
# HTTPS with --tls-cert/--tls-key (a throwaway self-signed certificate made
# with the openssl command), a wrong server clock with --clock-offset (the
# health "time" and the Date header), and bad values of both refused with a
# message. Exit status: 0 pass, 1 fail, 77 skip (openssl or curl missing).
set -uo pipefail
sim=${1:?usage: csim_tls.sh PATH/TO/kiosk-central-sim}
for tool in openssl curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "csim_tls: SKIP: the $tool command is missing (Debian: apt-get install $tool)"
    exit 77
  fi
done
dir=$(mktemp -d /tmp/csim-tls-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fails=0
fail() {
  echo "csim_tls: FAIL: $*" >&2
  fails=$((fails + 1))
}

# The certificate names 127.0.0.1, the only address tests use; a second,
# unrelated key makes a pair that does not match.
if ! openssl req -x509 -newkey rsa:2048 -nodes -days 10 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/k.pem" -out "$dir/c.pem" 2>"$dir/openssl.err" ||
  ! openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/other.pem" 2>>"$dir/openssl.err"; then
  echo "csim_tls: FAIL: openssl cannot make a test certificate: $(cat "$dir/openssl.err")" >&2
  exit 1
fi

# start_sim NAME ARGS...: the sim on a free port with ARGS; sets pid, port
# and line (its "listening" line). Returns 1 after a failure when it does
# not say it listens within 5 s.
start_sim() {
  local name=$1
  shift
  : >"$dir/$name.out" # there before the first look, however late the sim starts
  "$sim" --port 0 --db "$dir/$name.db" --quiet "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
  pid=$!
  pids+=("$pid")
  port= line=
  for _ in $(seq 200); do
    # One read of the file: the line and its port from the same look (two
    # reads could see the line arrive between them).
    line=$(grep -m1 'listening on' "$dir/$name.out")
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  fail "$name: the sim did not start: $(cat "$dir/$name.err")"
  return 1
}

# stop_sim NAME: SIGTERM must stop it cleanly (exit status 0).
stop_sim() {
  kill -TERM "$pid"
  wait "$pid"
  local rc=$?
  [ "$rc" -eq 0 ] || fail "$1: exit status $rc after SIGTERM: $(cat "$dir/$1.err")"
}

# health NAME URL [CURL ARGS...]: GET URL/v1/health; sets code (HTTP status,
# 000 when no answer), htime (its "time"), dates (every Date header, one a
# line) and hdate (the first as epoch seconds, "" when absent or unparsable).
health() {
  local name=$1 url=$2
  shift 2
  code=$(curl -sS -m 15 -D "$dir/$name.hdr" -o "$dir/$name.body" -w '%{http_code}' "$@" \
    "$url/v1/health" 2>"$dir/$name.curl")
  htime=$(sed -n 's/.*"time":\([0-9]*\).*/\1/p' "$dir/$name.body" 2>/dev/null)
  dates=$(sed -n 's/^[Dd]ate: \(.*\)\r$/\1/p' "$dir/$name.hdr" 2>/dev/null)
  hdate=$(date -u -d "$(head -n1 <<<"$dates")" +%s 2>/dev/null || true)
}

# near A B TOLERANCE: |A - B| <= TOLERANCE, all integers.
near() {
  [ -n "$1" ] && [ -n "$2" ] && [ $(($1 - $2)) -le "$3" ] && [ $(($2 - $1)) -le "$3" ]
}

# check_clock NAME OFFSET BEFORE AFTER: the last health() answer carried a
# server clock of the real time (read between BEFORE and AFTER) plus OFFSET,
# in "time" and in exactly one IMF-fixdate Date header.
check_clock() {
  local name=$1 off=$2 before=$3 after=$4
  if [ -z "$htime" ] || [ "$htime" -lt $((before + off - 1)) ] || [ "$htime" -gt $((after + off + 1)) ]; then
    fail "$name: health time ${htime:-(none)}, want the real time + $off (real time $before..$after)"
  fi
  if [ "$(grep -c . <<<"$dates")" -ne 1 ]; then
    fail "$name: want exactly one Date header, got: ${dates:-(none)}"
  elif ! grep -Eq '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$' <<<"$dates"; then
    fail "$name: Date header is not an IMF-fixdate: $dates"
  elif ! near "$hdate" "$htime" 2; then
    fail "$name: Date header '$dates' ($hdate) disagrees with the health time $htime"
  fi
}

# (b, c) HTTPS: the listening line says so, curl trusting only our
# certificate gets 200, plain HTTP to the same port gets no answer, and
# the server still serves HTTPS after that.
if start_sim tls --tls-cert "$dir/c.pem" --tls-key "$dir/k.pem"; then
  [[ $line =~ ^kiosk-central-sim:\ listening\ on\ 127\.0\.0\.1:[0-9]+\ \(https\)$ ]] ||
    fail "tls: listening line '$line', want 'kiosk-central-sim: listening on 127.0.0.1:PORT (https)'"
  before=$(date +%s)
  health tls "https://127.0.0.1:$port" --cacert "$dir/c.pem"
  after=$(date +%s)
  [ "$code" = 200 ] || fail "tls: https health answered $code: $(cat "$dir/tls.curl")"
  grep -q '"status":"ok"' "$dir/tls.body" || fail "tls: https health body: $(cat "$dir/tls.body")"
  check_clock tls 0 "$before" "$after"
  health plain "http://127.0.0.1:$port"
  [ "$code" != 200 ] || fail "tls: plain http:// to the TLS port answered 200"
  health tls2 "https://127.0.0.1:$port" --cacert "$dir/c.pem"
  [ "$code" = 200 ] || fail "tls: https after a plain http:// call answered $code"
  stop_sim tls
fi

# Without TLS the line stays as before (tests/fixture_sim.h, sync_scenario.sh).
# (d) --clock-offset 10800: the server's clock 3 h ahead, visibly.
if start_sim ahead --clock-offset 10800; then
  [[ $line =~ ^kiosk-central-sim:\ listening\ on\ 127\.0\.0\.1:[0-9]+$ ]] ||
    fail "ahead: listening line '$line', want 'kiosk-central-sim: listening on 127.0.0.1:PORT'"
  before=$(date +%s)
  health ahead "http://127.0.0.1:$port"
  after=$(date +%s)
  [ "$code" = 200 ] || fail "ahead: health answered $code"
  check_clock ahead 10800 "$before" "$after"
  stop_sim ahead
fi

# Both at once, and the far end of the range: 10 years behind, over HTTPS.
if start_sim behind --tls-cert "$dir/c.pem" --tls-key "$dir/k.pem" --clock-offset -315360000; then
  before=$(date +%s)
  health behind "https://127.0.0.1:$port" --cacert "$dir/c.pem"
  after=$(date +%s)
  [ "$code" = 200 ] || fail "behind: https health answered $code"
  check_clock behind -315360000 "$before" "$after"
  stop_sim behind
fi

# (e) Bad options: exit status 2, one message naming the culprit, no
# "listening" line, and no database created.
# bad NAME WANT ARGS...: run the sim with ARGS; its stderr must contain WANT.
bad() {
  local name=$1 want=$2 rc
  shift 2
  timeout 15 "$sim" --port 0 --db "$dir/$name.db" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit status $rc, want 2 (stderr: $(cat "$dir/$name.err"))"
  grep -qF -- "$want" "$dir/$name.err" || fail "$name: message lacks '$want': $(cat "$dir/$name.err")"
  [ ! -s "$dir/$name.out" ] || fail "$name: printed on stdout: $(cat "$dir/$name.out")"
  [ ! -e "$dir/$name.db" ] || fail "$name: created its database before refusing"
}
mkdir "$dir/a-directory"
head -c 300 "$dir/c.pem" >"$dir/cut.pem"
bad cert_alone "--tls-key" --tls-cert "$dir/c.pem"
bad key_alone "--tls-cert" --tls-key "$dir/k.pem"
bad cert_missing "missing.pem" --tls-cert "$dir/missing.pem" --tls-key "$dir/k.pem"
bad key_missing "missing-key.pem" --tls-cert "$dir/c.pem" --tls-key "$dir/missing-key.pem"
bad cert_is_dir "cannot read" --tls-cert "$dir/a-directory" --tls-key "$dir/k.pem"
bad swapped "--tls-cert $dir/k.pem: no whole PEM certificate" --tls-cert "$dir/k.pem" --tls-key "$dir/c.pem"
bad cut_cert "cut.pem: no whole PEM certificate" --tls-cert "$dir/cut.pem" --tls-key "$dir/k.pem"
bad mismatch "refused" --tls-cert "$dir/c.pem" --tls-key "$dir/other.pem"
if [ "$(id -u)" -ne 0 ]; then # root reads a mode-000 file anyway
  cp "$dir/k.pem" "$dir/locked.pem"
  chmod 000 "$dir/locked.pem"
  bad key_unreadable "locked.pem: cannot open" --tls-cert "$dir/c.pem" --tls-key "$dir/locked.pem"
fi
bad offset_word "--clock-offset" --clock-offset abc
bad offset_real "--clock-offset" --clock-offset 1.5
bad offset_far "315360001" --clock-offset 315360001
bad offset_empty "--clock-offset" --clock-offset ""

if [ "$fails" -ne 0 ]; then
  echo "csim_tls: $fails failure(s)" >&2
  exit 1
fi
echo "csim_tls: all checks passed"
