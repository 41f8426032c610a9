#!/usr/bin/env bash
# cli_staff.sh KIOSK [DIR]: the staff and audit commands of the kiosk binary,
# end to end on a store in a fresh directory under DIR (default $TMPDIR or
# /tmp), removed at the end.
#
# Adds accounts with the PIN on stdin (two lines), then refuses a mismatch,
# weak and malformed PINs, a bad code, role or name, an existing code and an
# empty stdin, each with status 2 and nothing stored; lists, disables,
# resets the PIN pad; checks that the PIN's digits are nowhere in the
# database files and that no name reached the audit log; verifies the
# audit log (status 0), then tampers with it through Python's sqlite3 (the
# sqlite3 CLI may be missing) and expects --verify-audit to name the
# entries and exit 1; runs a staff scenario (tests/scenarios) on a second
# store, whose log must verify until two entries are swapped; a missing or
# broken store gives status 2.
# Prints "FAIL: ..." for each mismatch; exits 0 when all passed, 1 otherwise.
# The people are made up.
set -u
kiosk=${1:?usage: cli_staff.sh KIOSK [DIR]}
base=${2:-${TMPDIR:-/tmp}}
mkdir -p "$base" || exit 1
dir=$(mktemp -d "$base/cli_staff.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
db=$dir/kiosk.db
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect STATUS STDIN STDOUT_REGEX STDERR_REGEX ARGS...: run the kiosk with
# STDIN (printf %b: \n for newlines) and check its status and both outputs
# ("" skips a check).
expect() {
	local want=$1 input=$2 out_re=$3 err_re=$4
	shift 4
	printf '%b' "$input" | "$kiosk" "$@" >"$dir/out" 2>"$dir/err"
	local rc=$?
	local ok=1
	if [ "$rc" -ne "$want" ]; then
		fail "kiosk $*: exit status $rc, expected $want"
		ok=0
	fi
	if [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$dir/out"; then
		fail "kiosk $*: stdout does not match: $out_re"
		ok=0
	fi
	if [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$dir/err"; then
		fail "kiosk $*: stderr does not match: $err_re"
		ok=0
	fi
	if [ "$ok" -eq 1 ]; then
		echo "ok: kiosk $* -> $rc"
	else
		sed 's/^/  stdout| /' "$dir/out"
		sed 's/^/  stderr| /' "$dir/err"
	fi
}

# sql QUERY: run QUERY on the store with Python's sqlite3, print rows.
sql() {
	python3 - "$db" "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print(*row)
c.commit()
c.close()
EOF
}

count_staff() {
	sql "SELECT count(*) FROM staff"
}

# ---- adding accounts -------------------------------------------------------
expect 0 '246813\n246813\n' '^staff 1001 added \(officer\)$' \
	'PIN \(6-12 angka / digits\): Ulangi PIN / Repeat PIN: ' \
	--db "$db" --add-staff 1001 --role officer --name "Dewi Lestari"
expect 0 '864209\n864209\n' '^staff 2001 added \(supervisor\)$' '' \
	--db "$db" --add-staff 2001 --role supervisor --name "Agus Prasetyo"
expect 0 '975318\r\n975318\r\n' '^staff 3001 added \(technician\)$' '' \
	--db "$db" --add-staff 3001 --role technician --name "Rina Wulandari"

# ---- refusals: status 2, nothing stored --------------------------------------
expect 2 '357913\n357914\n' '' 'PINs do not match, nothing stored' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '123456\n123456\n' '' 'PIN terlalu mudah ditebak.*PIN too easy to guess' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '777777\n777777\n' '' 'PIN too easy to guess' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '987654\n987654\n' '' 'PIN too easy to guess' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '35791\n35791\n' '' 'PIN harus 6-12 angka / PIN must be 6-12 digits' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '35791a\n35791a\n' '' 'PIN must be 6-12 digits' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '' '' 'cancelled, nothing stored' \
	--db "$db" --add-staff 1002 --role officer --name "Budi Hartono"
expect 2 '357913\n357913\n' '' 'staff code 1001 already exists' \
	--db "$db" --add-staff 1001 --role officer --name "Budi Hartono"
expect 2 '357913\n357913\n' '' 'staff code must be 4-8 digits' \
	--db "$db" --add-staff 10a2 --role officer --name "Budi Hartono"
expect 2 '357913\n357913\n' '' 'staff code must be 4-8 digits' \
	--db "$db" --add-staff 123456789 --role officer --name "Budi Hartono"
expect 2 '357913\n357913\n' '' 'role must be officer, supervisor or technician' \
	--db "$db" --add-staff 1002 --role admin --name "Budi Hartono"
expect 2 '357913\n357913\n' '' 'name must be 1-64 bytes' \
	--db "$db" --add-staff 1002 --role officer --name "   "
expect 2 '' '' 'needs --role' --db "$db" --add-staff 1002 --role officer
expect 2 '' '' 'one at a time' --db "$db" --list-staff --verify-audit
n=$(count_staff)
[ "$n" = 3 ] || fail "after the refusals the store holds $n accounts, expected 3"

# ---- list, disable, reset ----------------------------------------------------
expect 0 '' '^1001 +officer +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} +- +Dewi Lestari$' '' \
	--db "$db" --list-staff
grep -Eq '^2001 +supervisor .* Agus Prasetyo$' "$dir/out" || fail "--list-staff: no line for 2001"
grep -Eq '^3001 +technician ' "$dir/out" || fail "--list-staff: no line for 3001"
grep -q '1002' "$dir/out" && fail "--list-staff shows 1002, which was never added"
expect 0 '' '^staff 1001 disabled$' '' --db "$db" --disable-staff 1001
expect 2 '' '' 'account 1001 is already disabled' --db "$db" --disable-staff 1001
expect 2 '' '' 'no staff account has code 9999' --db "$db" --disable-staff 9999
expect 2 '' '' 'staff code must be 4-8 digits' --db "$db" --disable-staff 1x
expect 0 '' '^1001 +officer +[0-9-]{10} [0-9:]{5} +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5} +Dewi Lestari$' '' \
	--db "$db" --list-staff
expect 0 '' '^PIN pad reset \(was: 0 failures, 0 lockouts, locked until -\)$' '' --db "$db" --reset-pin-pad

# ---- what the file holds -----------------------------------------------------
for pin in 246813 864209 975318 357913 357914; do
	for f in "$db" "$db-wal"; do
		if [ -f "$f" ] && grep -aq "$pin" "$f"; then
			fail "a PIN's digits ($pin) are in $(basename "$f")"
		fi
	done
done
n=$(sql "SELECT count(*) FROM audit WHERE actor || role || action || target || detail LIKE '%Dewi%'
	OR actor || role || action || target || detail LIKE '%Agus%'")
[ "$n" = 0 ] || fail "a staff name is in the audit log"
actions=$(sql "SELECT action || ':' || target || ':' || actor FROM audit ORDER BY seq" | tr '\n' ' ')
want='staff_add:1001:cli staff_add:2001:cli staff_add:3001:cli staff_disable:1001:cli pad_reset::cli '
[ "$actions" = "$want" ] || fail "audit log holds '$actions', expected '$want'"

# ---- verification ------------------------------------------------------------
expect 0 '' '^audit log OK: 5 entries$' '' --db "$db" --verify-audit
sql "UPDATE audit SET detail = 'role=supervisor' WHERE seq = 1" >/dev/null
expect 1 '' '^entry 1 was edited: its hash does not match its content$' 'audit log damaged: 1 problem in 5' \
	--db "$db" --verify-audit
sql "DELETE FROM audit WHERE seq = 5" >/dev/null
expect 1 '' '^entries after entry 4 were removed: the head names entry 5 as the newest$' \
	'audit log damaged: 2 problems in 4' --db "$db" --verify-audit
grep -q '^entry 1 was edited' "$dir/out" || fail "--verify-audit no longer reports the edit of entry 1"
sql "DELETE FROM audit WHERE seq = 3" >/dev/null
expect 1 '' '^entries between entry 2 and entry 4 were removed' 'audit log damaged: 3 problems in 3' \
	--db "$db" --verify-audit

# ---- staff actions at the kiosk, then a reorder ----------------------------------
# A whole verification done on the touchscreen (a scripted run: unlock,
# reject with a reason, resubmission, accept) leaves a log that verifies;
# two of its entries swapped are named as out of order.
src=$(cd "$(dirname "$0")/.." && pwd)
db2=$dir/ui.db
if ! SDL_VIDEODRIVER=dummy "$kiosk" -c "$src/kiosk.conf" --db "$db2" \
	--script "$src/tests/scenarios/staff_reject_resubmit.scn" >"$dir/run" 2>&1; then
	fail "the staff scenario did not run: $(tail -n 1 "$dir/run")"
fi
db_saved=$db
db=$db2
n=$(sql "SELECT count(*) FROM audit")
[ "${n:-0}" -ge 8 ] || fail "the staff scenario left ${n:-0} audit entries, expected at least 8"
for act in unlock_ok request_move logout; do
	[ "$(sql "SELECT count(*) FROM audit WHERE action = '$act'")" -ge 1 ] ||
		fail "no '$act' entry in the audit log after the staff scenario"
done
expect 0 '' "^audit log OK: $n entries\$" '' --db "$db" --verify-audit
sql "UPDATE audit SET seq = -3 WHERE seq = 3" >/dev/null
sql "UPDATE audit SET seq = 3 WHERE seq = 4" >/dev/null
sql "UPDATE audit SET seq = 4 WHERE seq = -3" >/dev/null
expect 1 '' '^entry [34] is out of order: its chain link says it comes right after entry [0-9]+' \
	'audit log damaged' --db "$db" --verify-audit
db=$db_saved

# ---- stores that cannot be used --------------------------------------------------
expect 2 '' '' 'no such database' --db "$dir/none.db" --verify-audit
[ -e "$dir/none.db" ] && fail "--verify-audit created $dir/none.db"
expect 2 '' '' 'no such database' --db "$dir/none.db" --list-staff
printf 'this is not a database, just some bytes to make it long enough to be refused.%.0s' {1..64} \
	>"$dir/junk.db"
expect 2 '' '' 'cannot open the database' --db "$dir/junk.db" --verify-audit

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails check(s) failed"
	exit 1
fi
echo "PASS: staff and audit commands"
