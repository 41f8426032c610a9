#!/bin/sh
# fresh_db.sh DB COMMAND...: run COMMAND with "--db DB" on a new, empty
# request store, so every scenario starts from nothing and none shares a file.
db=$1
shift
mkdir -p "$(dirname "$db")"
rm -f "$db" "$db-wal" "$db-shm"
exec "$@" --db "$db"
