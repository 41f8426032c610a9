#!/usr/bin/env bash
# expect_exit.sh CODE REGEX COMMAND...: run COMMAND, pass when it exits with
# CODE and its output (stdout + stderr) matches the extended REGEX.
set -u
code=$1 regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$code" ]; then
  echo "FAIL: expected exit status $code, got $rc"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
  echo "FAIL: output does not match: $regex"
  exit 1
fi
echo "PASS: exit $rc and output matches"
