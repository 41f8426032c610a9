#!/usr/bin/env bash
# Performance figures of the kiosk (`make bench`; see docs/benchmarks.md).
#
#   tests/bench.sh [BUILD_DIR]        (default: build)
#
# Measures, all with SDL's dummy video driver (no display needed):
#   1. process start to first presented frame, 20 runs per orientation
#   2. peak RSS (VmHWM) and PSS of an idle kiosk
#   3. idle CPU and wake-ups over 10 s
#   4. SIGTERM: exit status and time to exit
#   5. full-frame render+present p50/p99 (`kiosk --bench-frames 300`)
#   6. a durable request submit against one fsync (`tests/bench_submit`)
#   7. a KTP-el identity read through the simulated reader (`tests/bench_reader`)
#   8. the outbox at 1,000,000 rows: durable enqueue, next batch (`tests/bench_outbox`)
#   9. draining 10,000 queued requests to kiosk-central-sim, next to raw
#      keep-alive libcurl POSTs to the same server (`tests/bench_sync`)
#  10. the officer's desk queries on 20,000 requests (two years), each next
#      to the same on 100 requests (`tests/bench_desk`)
#  11. `kiosk --diagnose` on those two stores (the integrity check grows with them)
# and prints a table against the targets. Missing a target does not fail the
# script (benchmarks inform, they do not gate); the kiosk failing to start,
# crashing, or not exiting 0 on SIGTERM within 3 s does (exit 1), and so does
# bench_submit failing to store requests.
#
# Needs bash, awk, coreutils and python3 (only to time process start against
# CLOCK_MONOTONIC, which the shell cannot read).
set -uo pipefail

BUILD=${1:-build}
KIOSK="$BUILD/app/kiosk"
RUNS=${BENCH_RUNS:-20}           # first-frame runs per orientation
IDLE_S=${BENCH_IDLE_S:-10}       # idle measurement window
FRAMES=${BENCH_FRAMES:-300}      # frames per screen for --bench-frames

# Targets (docs/benchmarks.md).
T_FIRST_MS=50
T_PSS_MIB=25
T_P99_MS=5
T_IDLE_PCT=0.05
T_SUBMIT_FSYNCS=3 # submit p99 within this many fsyncs (p50 of one fsync)
T_READ_P99_MS=10  # identity read through the simulator, every exchange level

if [ ! -x "$KIOSK" ]; then
	echo "bench: $KIOSK not found or not executable (build first: make build)" >&2
	exit 1
fi
command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }

export SDL_VIDEODRIVER=dummy
failed=0
fail() { echo "FAIL: $*"; failed=1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench.XXXXXX")
idle_pid=""
cleanup() {
	if [ -n "$idle_pid" ] && kill -0 "$idle_pid" 2>/dev/null; then
		kill -KILL "$idle_pid" 2>/dev/null
		wait "$idle_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stats: numbers on stdin, one a line -> "median p90 min max n" (nearest-rank p90)
stats() {
	sort -g | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "NA NA NA NA 0"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		i = int((90 * NR + 99) / 100)
		printf "%.1f %.1f %.1f %.1f %d\n", m, v[i], v[1], v[NR], NR
	}'
}

# le A B: exit 0 when A <= B (decimal numbers)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "NA" && a + 0 <= b + 0) }'; }

echo "== kiosk benchmarks"
echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
commit=$(git -C "$(dirname "$0")/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] &&
	[ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$(dirname "$0")/.." status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	commit="$commit (with uncommitted changes)"
fi
echo "commit:   $commit"
echo "version:  $("$KIOSK" --version 2>/dev/null)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null)
echo "build:    $BUILD (${build_type:-unknown build type})"
echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, kernel $(uname -r)"
echo "SDL:      $(pkg-config --modversion sdl2 2>/dev/null || echo '?'), SDL_ttf $(pkg-config --modversion SDL2_ttf 2>/dev/null || echo '?'), video driver dummy"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at start"
echo

# ---- 1. process start to first presented frame ------------------------------
# CLOCK_MONOTONIC is taken just before the fork/exec; the kiosk prints
# CLOCK_MONOTONIC right after its first SDL_RenderPresent. The difference
# includes fork+exec, dynamic linking, SDL and font start-up, the first layout
# and one full render+present.
first_frame() { # label, then kiosk arguments
	local label=$1
	shift
	python3 - "$RUNS" "$KIOSK" "$@" >"$tmp/ff" 2>"$tmp/ff.err" <<'PY'
import subprocess, sys, time
runs, argv = int(sys.argv[1]), sys.argv[2:]
for i in range(runs):
    t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    try:
        out, _ = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()
        sys.exit("run %d: kiosk did not print its first frame within 10 s" % i)
    ns = None
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("first-frame-monotonic-ns "):
            ns = int(line.split()[1])
    if p.returncode != 0 or ns is None:
        sys.exit("run %d: kiosk exited %d without a first-frame line" % (i, p.returncode))
    print("%.3f" % ((ns - t0) / 1e6))
PY
	local rc=$?
	if [ $rc -ne 0 ]; then
		fail "first frame ($label): $(tail -n1 "$tmp/ff.err")"
		echo "NA NA NA NA 0" >"$tmp/ff.stats"
		return
	fi
	stats <"$tmp/ff" >"$tmp/ff.stats"
}

echo "== 1. process start to first presented frame ($RUNS runs each)"
first_frame portrait --first-frame --window 1080x1920
read -r ff_p_med ff_p_p90 ff_p_min ff_p_max ff_p_n <"$tmp/ff.stats"
first_frame landscape --first-frame --orientation landscape --window 1920x1080
read -r ff_l_med ff_l_p90 ff_l_min ff_l_max ff_l_n <"$tmp/ff.stats"
printf "portrait  1080x1920: median %s ms  p90 %s ms  (min %s, max %s, n=%s)\n" \
	"$ff_p_med" "$ff_p_p90" "$ff_p_min" "$ff_p_max" "$ff_p_n"
printf "landscape 1920x1080: median %s ms  p90 %s ms  (min %s, max %s, n=%s)\n" \
	"$ff_l_med" "$ff_l_p90" "$ff_l_min" "$ff_l_max" "$ff_l_n"
echo

# ---- 2-4. idle kiosk: memory, CPU, wake-ups, SIGTERM -------------------------
# Per-thread counters are summed over /proc/PID/task/*: the kiosk is one
# thread today, but SDL or a reader driver may add some.
sum_tasks() { # pid, what: ctxt | runns
	local pid=$1 what=$2
	case $what in
	ctxt) cat /proc/"$pid"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches/ { v += $2 } /^nonvoluntary_ctxt_switches/ { n += $2 }
		     END { print v + 0, n + 0 }' ;;
	runns) cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }' ;;
	esac
}
ticks() { # utime+stime of the whole process (fields 14, 15; the comm field may hold spaces)
	sed 's/^.*) //' /proc/"$1"/stat | awk '{ print $12 + $13 }'
}

echo "== 2. memory of an idle kiosk (1080x1920 portrait)"
"$KIOSK" --window 1080x1920 >"$tmp/idle.log" 2>&1 &
idle_pid=$!
sleep 2
if ! kill -0 "$idle_pid" 2>/dev/null || [ "$(sed 's/^.*) //' /proc/$idle_pid/stat | cut -d' ' -f1)" = Z ]; then
	wait "$idle_pid" 2>/dev/null
	fail "the kiosk did not start (exit $?):"
	sed 's/^/  | /' "$tmp/idle.log"
	exit 1
fi
hwm_kib=$(awk '/^VmHWM/ { print $2 }' /proc/$idle_pid/status)
rss_kib=$(awk '/^VmRSS/ { print $2 }' /proc/$idle_pid/status)
pss_kib=$(awk '/^Pss:/ { print $2 }' /proc/$idle_pid/smaps_rollup 2>/dev/null)
pss_anon_kib=$(awk '/^Pss_Anon:/ { print $2 }' /proc/$idle_pid/smaps_rollup 2>/dev/null)
pss_file_kib=$(awk '/^Pss_File:/ { print $2 }' /proc/$idle_pid/smaps_rollup 2>/dev/null)
mib() { awk -v k="${1:-}" 'BEGIN { if (k == "") print "NA"; else printf "%.1f", k / 1024 }'; }
hwm=$(mib "$hwm_kib")
pss=$(mib "$pss_kib")
echo "peak RSS (VmHWM) $hwm MiB, RSS now $(mib "$rss_kib") MiB"
echo "PSS $pss MiB (anonymous $(mib "$pss_anon_kib") MiB, file-backed $(mib "$pss_file_kib") MiB)," \
	"threads $(awk '/^Threads/ { print $2 }' /proc/$idle_pid/status)"
echo

echo "== 3. idle CPU over ${IDLE_S} s"
hz=$(getconf CLK_TCK)
t0_ticks=$(ticks "$idle_pid")
t0_ns=$(sum_tasks "$idle_pid" runns)
read -r v0 n0 < <(sum_tasks "$idle_pid" ctxt)
w0=$EPOCHREALTIME
sleep "$IDLE_S"
t1_ticks=$(ticks "$idle_pid")
t1_ns=$(sum_tasks "$idle_pid" runns)
read -r v1 n1 < <(sum_tasks "$idle_pid" ctxt)
w1=$EPOCHREALTIME
if ! kill -0 "$idle_pid" 2>/dev/null || [ -z "$t1_ticks" ]; then
	fail "the kiosk died while idle:"
	sed 's/^/  | /' "$tmp/idle.log"
	exit 1
fi
wall=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", b - a }')
cpu_ticks=$(awk -v d=$((t1_ticks - t0_ticks)) -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.3f", 100 * d / hz / w }')
echo "utime+stime: $((t1_ticks - t0_ticks)) ticks of 1/$hz s in $wall s = $cpu_ticks % of one core" \
	"(resolution $(awk -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.2f", 100 / hz / w }') %)"
if [ "$t0_ns" != 0 ] || [ "$t1_ns" != 0 ]; then
	cpu_ns=$(awk -v d=$((t1_ns - t0_ns)) -v w="$wall" 'BEGIN { printf "%.4f", 100 * d / 1e9 / w }')
	echo "run time (schedstat): $(awk -v d=$((t1_ns - t0_ns)) 'BEGIN { printf "%.3f", d / 1e6 }') ms" \
		"in $wall s = $cpu_ns % of one core"
	idle_cpu=$cpu_ns
	idle_how="schedstat"
else
	echo "run time (schedstat): not available on this kernel"
	idle_cpu=$cpu_ticks
	idle_how="ticks"
fi
wakeups=$(awk -v d=$((v1 - v0)) -v w="$wall" 'BEGIN { printf "%.2f", d / w }')
echo "wake-ups: $((v1 - v0)) voluntary context switches = $wakeups /s" \
	"(plus $((n1 - n0)) involuntary)"
echo

echo "== 4. SIGTERM"
s0=$EPOCHREALTIME
kill -TERM "$idle_pid"
state=""
while :; do
	state=$(sed 's/^.*) //' /proc/$idle_pid/stat 2>/dev/null | cut -d' ' -f1)
	[ -z "$state" ] || [ "$state" = Z ] && break
	if awk -v a="$s0" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a > 3) }'; then
		break
	fi
	sleep 0.002
done
s1=$EPOCHREALTIME
term_ms=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
if [ -n "$state" ] && [ "$state" != Z ]; then
	fail "the kiosk did not exit within 3 s of SIGTERM (state $state); killing it"
	kill -KILL "$idle_pid" 2>/dev/null
	wait "$idle_pid" 2>/dev/null
	idle_pid=""
	term_rc=timeout
else
	wait "$idle_pid"
	term_rc=$?
	idle_pid=""
	echo "exit status $term_rc after $term_ms ms"
	[ "$term_rc" = 0 ] || fail "the kiosk exited $term_rc on SIGTERM (expected 0)"
fi
echo

# ---- 5. full-frame render+present -------------------------------------------
echo "== 5. full-frame render+present ($FRAMES frames per screen, --bench-frames)"
p99_worst() { awk -F'p99_ms=' '/^frame / { if ($2 + 0 > m) m = $2 + 0 } END { printf "%.2f", m }' "$1"; }
for o in portrait landscape; do
	if "$KIOSK" --bench-frames "$FRAMES" --orientation "$o" >"$tmp/frames.$o" 2>"$tmp/frames.$o.err" &&
		grep -q '^frame ' "$tmp/frames.$o"; then
		grep '^frame ' "$tmp/frames.$o"
	else
		fail "kiosk --bench-frames ($o) failed:"
		sed 's/^/  | /' "$tmp/frames.$o.err"
	fi
done
p99_p=$(p99_worst "$tmp/frames.portrait")
p99_l=$(p99_worst "$tmp/frames.landscape")
echo

# ---- 6. durable submit vs one fsync --------------------------------------------
# 300 interleaved samples of (4 KiB write + fsync) and of a whole submit
# (validate + one SQLite transaction, WAL, synchronous=FULL), in a fresh
# directory under the build tree: /tmp may be tmpfs, where fsync is free.
echo "== 6. durable submit vs one fsync (tests/bench_submit, 300 each)"
ratio_f50=NA ratio_f99=NA
if "$BUILD/tests/bench_submit" >"$tmp/submit" 2>"$tmp/submit.err"; then
	cat "$tmp/submit"
	ratio_f50=$(sed -n 's/^ratio .*submit_p99\/fsync_p50=\([0-9.]*\).*/\1/p' "$tmp/submit")
	ratio_f99=$(sed -n 's/^ratio .*submit_p99\/fsync_p99=\([0-9.]*\).*/\1/p' "$tmp/submit")
else
	fail "bench_submit failed:"
	sed 's/^/  | /' "$tmp/submit.err"
fi
echo

# ---- 7. identity read through the simulated reader --------------------------
echo "== 7. KTP-el identity read, simulated reader (tests/bench_reader)"
read_p99=NA
if "$BUILD/tests/bench_reader" >"$tmp/reader" 2>"$tmp/reader.err"; then
	cat "$tmp/reader"
	read_p99=$(grep target "$tmp/reader" | sed -n 's/.* p99= *\([0-9]*\) us.*/\1/p' | sort -n | tail -1 |
		awk '{ printf "%.2f", $1 / 1000 }')
else
	fail "bench_reader failed:"
	sed 's/^/  | /' "$tmp/reader.err"
fi
echo

# ---- 8. the outbox at 1,000,000 rows -------------------------------------------
echo "== 8. outbox at ${BENCH_OUTBOX_ROWS:-1000000} rows (tests/bench_outbox)"
enq_p99=NA claim_p99=NA
if "$BUILD/tests/bench_outbox" "${BENCH_OUTBOX_ROWS:-1000000}" "$BUILD" >"$tmp/outbox" 2>"$tmp/outbox.err"; then
	cat "$tmp/outbox"
	enq_p99=$(sed -n 's/^outbox enqueue at .* p99 \([0-9.]*\) ms.*/\1/p' "$tmp/outbox")
	claim_p99=$(sed -n 's/^outbox claim 32 at .* p99 \([0-9.]*\) ms.*/\1/p' "$tmp/outbox")
else
	fail "bench_outbox failed:"
	sed 's/^/  | /' "$tmp/outbox.err"
fi
echo

# ---- 9. draining the outbox to the local central service ------------------------
echo "== 9. sync drain vs raw keep-alive POSTs (tests/bench_sync, ${BENCH_SYNC_N:-10000} requests)"
drain_ratio=NA
if "$BUILD/tests/bench_sync" "$BUILD/central/kiosk-central-sim" "${BENCH_SYNC_N:-10000}" "$BUILD" \
	>"$tmp/sync" 2>"$tmp/sync.err"; then
	cat "$tmp/sync"
	drain_ratio=$(sed -n 's/.* ratio \([0-9.]*\) .*/\1/p' "$tmp/sync")
else
	fail "bench_sync failed:"
	sed 's/^/  | /' "$tmp/sync.err"
fi
echo

# ---- 10. the officer's desk on two years of requests --------------------------
# p50/p99 of 200 samples at N requests, and the ratio of the p50s at N and
# at 100 requests: near 1, an index serves the query; far above, it walks
# the table. The target is one 60 Hz frame: the staff screens query the
# store when they draw.
desk_n=${BENCH_DESK_N:-20000}
echo "== 10. officer's desk queries at $desk_n requests (tests/bench_desk)"
desk_home=NA desk_page=NA desk_case=NA desk_fig=NA
if BENCH_DESK_KEEP=1 "$BUILD/tests/bench_desk" "$desk_n" "$BUILD" >"$tmp/desk" 2>"$tmp/desk.err"; then
	cat "$tmp/desk"
	desk_p99() { sed -n "s/^$1.* p99 \([0-9.]*\) ms at .*/\1/p" "$tmp/desk"; }
	desk_home=$(desk_p99 'desk home queries')
	desk_page=$(desk_p99 'work queue first page')
	desk_case=$(desk_p99 'open a case')
	desk_fig=$(desk_p99 'quarter figures')
else
	fail "bench_desk failed:"
	sed 's/^/  | /' "$tmp/desk.err"
fi
echo

# ---- 11. the technician's checks on the same stores ----------------------------
# `kiosk --diagnose --json` with a card on the simulated reader (without one
# the reader check waits 1.5 s for it) and no central service (a refused
# connection answers at once), on the store of section 10 and on the small
# one: p50 of the report's duration_ms over 7 runs each, and their ratio.
# SQLite's full
# integrity check walks every page, so this one grows with the store.
diag_big=NA diag_small=NA diag_ratio=NA
desk_dir=$(sed -n 's/^stores kept in //p' "$tmp/desk")
if [ -n "$desk_dir" ] && [ -f "$desk_dir/big.db" ] && command -v jq >/dev/null; then
	echo "== 11. kiosk --diagnose on the desk's stores ($desk_n and 100 requests)"
	diag_p50() {
		for _ in 1 2 3 4 5 6 7; do
			"$KIOSK" -c kiosk.conf --diagnose --json --card tests/cards/siti.card --db "$1" \
				2>/dev/null | jq -r .duration_ms
		done | sort -n | sed -n 4p
	}
	diag_big=$(diag_p50 "$desk_dir/big.db")
	diag_small=$(diag_p50 "$desk_dir/small.db")
	diag_ratio=$(awk -v b="$diag_big" -v s="$diag_small" 'BEGIN { printf "%.1f", (s > 0 ? b / s : 0) }')
	echo "diagnose p50: $diag_big ms at $desk_n requests ($(du -h "$desk_dir/big.db" | cut -f1))," \
		"$diag_small ms at 100 (x$diag_ratio)"
fi
[ -n "$desk_dir" ] && rm -rf "$desk_dir"
echo

# ---- summary -------------------------------------------------------------------
verdict() { le "$1" "$2" && echo ok || echo over; }
echo "== summary (load $(cut -d' ' -f1-3 /proc/loadavg) at end)"
printf "%-44s %12s %12s  %s\n" "metric" "value" "target" "verdict"
row() { printf "%-44s %12s %12s  %s\n" "$1" "$2" "<= $3" "$(verdict "$2" "$3")"; }
row "first frame, portrait, median (ms)" "$ff_p_med" "$T_FIRST_MS"
row "first frame, portrait, p90 (ms)" "$ff_p_p90" "$T_FIRST_MS"
row "first frame, landscape, median (ms)" "$ff_l_med" "$T_FIRST_MS"
row "first frame, landscape, p90 (ms)" "$ff_l_p90" "$T_FIRST_MS"
row "PSS idle (MiB)" "$pss" "$T_PSS_MIB"
printf "%-44s %12s %12s  %s\n" "peak RSS idle (MiB)" "$hwm" "-" "info"
row "frame p99, worst screen, portrait (ms)" "$p99_p" "$T_P99_MS"
row "frame p99, worst screen, landscape (ms)" "$p99_l" "$T_P99_MS"
row "idle CPU, % of one core ($idle_how)" "$idle_cpu" "$T_IDLE_PCT"
printf "%-44s %12s %12s  %s\n" "idle CPU, % of one core (ticks)" "$cpu_ticks" "-" "info (resolution too coarse)"
printf "%-44s %12s %12s  %s\n" "idle wake-ups per second" "$wakeups" "-" "info"
row "submit p99 / fsync p50 (ratio)" "$ratio_f50" "$T_SUBMIT_FSYNCS"
printf "%-44s %12s %12s  %s\n" "submit p99 / fsync p99 (ratio)" "$ratio_f99" "-" "info"
row "identity read p99, worst level (ms)" "$read_p99" "$T_READ_P99_MS"
row "outbox enqueue p99 at 1M rows (ms)" "$enq_p99" 1
row "outbox next batch (claim 32) p99 at 1M (ms)" "$claim_p99" 1
printf "%-44s %12s %12s  %s\n" "sync drain / raw POSTs (ratio)" "$drain_ratio" ">= 0.25" \
	"$(awk -v r="$drain_ratio" 'BEGIN { print (r != "NA" && r >= 0.25) ? "ok" : "under" }')"
row "desk home (5 counts) p99 at $desk_n (ms)" "$desk_home" 16
row "desk queue page + search p99 at $desk_n (ms)" "$desk_page" 16
row "desk open a case p99 at $desk_n (ms)" "$desk_case" 16
row "desk quarter figures p99 at $desk_n (ms)" "$desk_fig" 100
row "kiosk --diagnose p50 at $desk_n (ms)" "$diag_big" 2000
printf "%-44s %12s %12s  %s\n" "SIGTERM exit status / time (ms)" "$term_rc / $term_ms" "0 / 3000" \
	"$([ "$term_rc" = 0 ] && echo ok || echo FAIL)"
echo
if [ $failed -ne 0 ]; then
	echo "bench: FAILED (the kiosk did not start, run or stop as it should)"
	exit 1
fi
echo "bench: done (targets inform; they do not gate)"
exit 0
