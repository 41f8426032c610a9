#!/usr/bin/env bash
# Fullscreen on a bare X server (no window manager, as on a kiosk): the window
# must cover the whole display, and SIGTERM must close the kiosk with status 0.
#   bash tests/fullscreen_test.sh BUILD_DIR        (77 = skipped: no Xvfb/xdotool)
set -uo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { echo "SKIP: Xvfb or xdotool missing"; exit 77; }
tmp=$(mktemp -d)
trap 'kill $kpid $xpid 2>/dev/null; rm -rf "$tmp"' EXIT
# The shipped configuration with fullscreen on; paths made absolute.
sed -e 's/^fullscreen = no/fullscreen = yes/' -e "s|^holidays = assets|holidays = $SRC/assets|" \
    -e "s|^secret_file = assets|secret_file = $SRC/assets|" \
    "$SRC/kiosk.conf" > "$tmp/kiosk.conf"
"$BUILD/app/kiosk" -n -c "$tmp/kiosk.conf" || { echo "FAIL: configuration"; exit 1; }
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
"$BUILD/app/kiosk" -c "$tmp/kiosk.conf" >"$tmp/log" 2>&1 &
kpid=$!
win=""
# Generous waits: under a parallel ctest on 2 cores start-up can take seconds.
for _ in $(seq 100); do win=$(xdotool search --name "Kiosk Layanan" 2>/dev/null | head -1); [ -n "$win" ] && break; sleep 0.1; done
[ -n "$win" ] || { echo "FAIL: no window"; cat "$tmp/log"; exit 1; }
# The window may be mapped before it is moved and sized: look until it is
# (or 5 s have passed), then judge.
for _ in $(seq 50); do
  geo=$(xdotool getwindowgeometry "$win" | awk '/Geometry/ {print $2}')
  pos=$(xdotool getwindowgeometry "$win" | awk '/Position/ {print $2}')
  [ "$geo" = "1080x1920" ] && [ "$pos" = "0,0" ] && break
  sleep 0.1
done
fails=0
if [ "$geo" = "1080x1920" ] && [ "$pos" = "0,0" ]; then echo "PASS: window covers the display ($geo at $pos)"
else echo "FAIL: window is $geo at $pos, expected 1080x1920 at 0,0"; fails=1; fi
kill -TERM $kpid
for _ in $(seq 30); do kill -0 $kpid 2>/dev/null || break; sleep 0.1; done
if kill -0 $kpid 2>/dev/null; then echo "FAIL: still running 3 s after SIGTERM"; fails=1
else wait $kpid; rc=$?; [ $rc -eq 0 ] && echo "PASS: SIGTERM, exit 0" || { echo "FAIL: exit $rc"; cat "$tmp/log"; fails=1; }; fi
exit $fails
