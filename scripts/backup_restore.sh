#!/usr/bin/env bash
# Backups of a danso PostgreSQL database to two independent targets, and a tested restore.
#
#   scripts/backup_restore.sh backup  DB TARGET_A TARGET_B   pg_dump -Fc into A, copied to B,
#                                                            each with its SHA-256
#   scripts/backup_restore.sh restore DUMP NEW_DB            checksum checked, then pg_restore
#                                                            into a database that must not exist
#   scripts/backup_restore.sh verify  DB NEW_DB              exact row counts of every table
#                                                            compared (exit 1 if any differs)
#   scripts/backup_restore.sh drill   DB TARGET_A TARGET_B   all three: backup, restore the copy
#                                                            in B into DB_restore_<time>, verify,
#                                                            drop it (KEEP=1 keeps it)
#   scripts/backup_restore.sh basebackup TARGET              pg_basebackup (whole cluster, tar,
#                                                            WAL included) for point-in-time
#                                                            recovery with the WAL archive
#
# The server is named the libpq way: PGHOST, PGPORT, PGUSER (and ~/.pgpass). TARGET_A and
# TARGET_B are directories on two independent storages (another disk, a mounted object store,
# a remote file system); copy B off-site with rclone/restic if it is not. See docs/deployment.md.
set -euo pipefail

die() { echo "backup_restore: $*" >&2; exit 2; }
stamp() { date -u +%Y%m%dT%H%M%SZ; }

backup() {
    local db=$1 a=$2 b=$3
    [ -d "$a" ] && [ -d "$b" ] || die "both targets must be existing directories: $a $b"
    [ "$(cd "$a" && pwd -P)" != "$(cd "$b" && pwd -P)" ] || die "the two targets are the same"
    local name
    name="$db-$(stamp).dump"
    pg_dump -Fc -Z 6 --no-owner -f "$a/$name.partial" "$db"
    mv "$a/$name.partial" "$a/$name"
    (cd "$a" && sha256sum "$name" > "$name.sha256")
    cp "$a/$name" "$b/$name.partial"
    mv "$b/$name.partial" "$b/$name"
    cp "$a/$name.sha256" "$b/"
    (cd "$b" && sha256sum -c --quiet "$name.sha256") || die "the copy in $b differs from $a"
    echo "$b/$name"
}

restore() {
    local dump=$1 db=$2
    [ -f "$dump" ] || die "no dump file $dump"
    if [ -f "$dump.sha256" ]; then
        (cd "$(dirname "$dump")" && sha256sum -c --quiet "$(basename "$dump").sha256") \
            || die "checksum mismatch: $dump"
    fi
    if [ -n "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
        die "database $db exists: a restore goes into a fresh database"
    fi
    psql -d postgres -qc "CREATE DATABASE \"$db\""
    pg_restore --exit-on-error --no-owner -j "${JOBS:-2}" -d "$db" "$dump"
    psql -d "$db" -qc "ANALYZE"
    echo "restored $dump into $db"
}

counts() {
    # every table of the public schema with its exact row count, one line each (one query)
    psql -d "$1" -AtF ' ' -c "SELECT relname, (xpath('/row/c/text()', query_to_xml(
            format('SELECT count(*) AS c FROM %I', relname), false, true, '')))[1]::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY relname"
}

verify() {
    local db=$1 copy=$2 theirs ours
    ours=$(counts "$db")
    theirs=$(counts "$copy")
    if [ "$ours" != "$theirs" ]; then
        diff <(echo "$ours") <(echo "$theirs") || true
        die "row counts differ between $db and $copy"
    fi
    echo "row counts equal in $db and $copy: $(echo "$theirs" | wc -l) tables," \
        "$(echo "$theirs" | awk '{s += $2} END {print s}') rows"
}

drill() {
    local db=$1 a=$2 b=$3 began dump copy
    began=$(date +%s)
    dump=$(backup "$db" "$a" "$b")
    copy="${db}_restore_$(date -u +%Y%m%d%H%M%S)"
    restore "$dump" "$copy"
    verify "$db" "$copy"
    echo "dump $(du -h "$dump" | cut -f1); backup + copy + restore + verify" \
        "$(( $(date +%s) - began )) s"
    if [ "${KEEP:-0}" != 1 ]; then
        psql -d postgres -qc "DROP DATABASE \"$copy\""
    fi
}

basebackup() {
    local target=$1
    mkdir -p "$target"
    local dir
    dir="$target/base-$(stamp)"
    pg_basebackup -D "$dir" -Ft -z -X stream -c fast -P
    (cd "$dir" && sha256sum ./* > SHA256SUMS)
    echo "$dir"
}

command=${1:-}
shift || true
case "$command" in
    backup) [ $# -eq 3 ] || die "backup DB TARGET_A TARGET_B"; backup "$@" ;;
    restore) [ $# -eq 2 ] || die "restore DUMP NEW_DB"; restore "$@" ;;
    verify) [ $# -eq 2 ] || die "verify DB NEW_DB"; verify "$@" ;;
    drill) [ $# -eq 3 ] || die "drill DB TARGET_A TARGET_B"; drill "$@" ;;
    basebackup) [ $# -eq 1 ] || die "basebackup TARGET"; basebackup "$@" ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
esac
