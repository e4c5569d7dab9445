#!/usr/bin/env bash
# Restore of a backup made by backup.sh, in two steps that run as two containers of one pod:
#
#   restore.sh fetch   aws-cli image: download the named (or latest) dump and its checksum,
#                      verify the checksum
#   restore.sh load    MySQL image:   verify again (checksum, gzip integrity, completion line),
#                      then replace the database with the dump
#
# Nothing touches the database until every check passed: a corrupted or truncated file is
# refused and the database stays as it was. "latest" is the newest dump whose checksum object
# exists, so a dump whose upload never finished is never picked.
#
# To a point in time (RESTORE_TO_TIME, with BACKUP_KEY=before-time): fetch takes the newest
# dump taken before that time and every archived binary log from the dump's position on
# (binlog.sh), refusing a missing or altered log; load checks the logs again (checksums, every
# event's CRC32, that they reach the time), loads the dump and replays the logs up to the time.
# This needs the server's root user (replaying row events is a replication privilege).
#
# Settings (environment): BACKUP_KEY ("latest", "before-time", a file name such as
#   flask_staging-20261201T021700Z.sql.gz, or a full key) RESTORE_DIR [RESTORE_TO_TIME, e.g.
#   2026-12-01T14:03:27Z] [RESTORE_MARGIN_SECONDS]
#   fetch: S3_BUCKET S3_PREFIX [S3_ENDPOINT_URL]
#   load:  DB_HOST DB_PORT DB_NAME DB_USER_FILE DB_PASSWORD_FILE [DB_SSL_CA: an external database's
#          CA bundle; TLS is then required and the server verified]
set -euo pipefail

# shellcheck source=database/common.sh
source "$(dirname "$0")/common.sh"

# The one dump in RESTORE_DIR whose checksum file names it and matches it.
verified_dump() {
  local -a sums
  shopt -s nullglob
  sums=("$RESTORE_DIR"/*.sql.gz.sha256)
  [ "${#sums[@]}" -eq 1 ] || die "expected one fetched backup in $RESTORE_DIR, found ${#sums[@]}"
  local name listed
  name="$(basename "${sums[0]%.sha256}")"
  listed="$(awk '{print $2}' "${sums[0]}")"
  [ "$listed" = "$name" ] || die "the checksum file names $listed, not $name"
  (cd "$RESTORE_DIR" && sha256sum --check --status "$name.sha256") || die "$name does not match its checksum: refused"
  printf '%s' "$name"
}

# A time as the dumps' names write it: 2026-12-01T02:17:00Z -> 20261201T021700Z.
compact_time() { printf '%s' "$1" | tr -d ':-'; }

# The newest complete dump taken at least RESTORE_MARGIN_SECONDS (default 60) before the time:
# a dump's snapshot is taken just after the time in its name, and it must not hold writes from
# after the target. A few minutes too early costs only replay.
dump_before() {
  local target margin cutoff
  margin="${RESTORE_MARGIN_SECONDS:-60}"
  cutoff="$(date -u -d "@$(($(date -u -d "$(printf '%s' "$1" | sed 's/Z$//; s/T/ /')" +%s) - margin))" +%Y%m%dT%H%M%SZ)"
  target="$(s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$S3_PREFIX/" --query 'Contents[].Key' --output text |
    tr '\t' '\n' | grep '\.sql\.gz\.sha256$' |
    awk -v cutoff="$cutoff" '{ stamp = $0; sub(/.*-/, "", stamp); sub(/\.sql\.gz\.sha256$/, "", stamp); if (stamp <= cutoff) print }' |
    sort | tail -n 1 || true)"
  [ -n "$target" ] || die "no complete backup taken before $1 under s3://$S3_BUCKET/$S3_PREFIX/"
  printf '%s' "${target%.sha256}"
}

# The dump's binary log position and lineage (backup.sh with DUMP_BINLOG_POSITION=true).
dump_position() {
  local head
  # head stops reading early: gzip's broken pipe is expected here, not a failure.
  head="$(gzip -dc "$1" | head -n 60 || true)"
  POSITION_LINEAGE="$(printf '%s\n' "$head" | sed -n 's/^-- flask-platform binlog lineage: \(.*\)$/\1/p' | head -n 1)"
  # MySQL 8.0: CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE=..., SOURCE_LOG_POS=...;
  # MariaDB and older MySQL: CHANGE MASTER TO MASTER_LOG_FILE=..., MASTER_LOG_POS=...;
  POSITION_FILE="$(printf '%s\n' "$head" | sed -n "s/^-- CHANGE .*_LOG_FILE='\([^']*\)'.*/\1/p" | head -n 1)"
  POSITION="$(printf '%s\n' "$head" | sed -n 's/^-- CHANGE .*_LOG_POS=\([0-9]*\).*/\1/p' | head -n 1)"
  if [ -z "$POSITION_LINEAGE" ] || [ -z "$POSITION_FILE" ] || [ -z "$POSITION" ]; then
    die "$(basename "$1") records no binary log position: it was not taken for point-in-time recovery"
  fi
}

# Every archived log of the dump's lineage from the dump's log on, consecutive, checksum last.
fetch_binlogs() {
  dump_position "$1"
  local folder="$RESTORE_DIR/binlog" prefix="$S3_PREFIX/binlog/$POSITION_LINEAGE"
  mkdir -p "$folder"
  local -a names
  mapfile -t names < <(s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$prefix/" --query 'Contents[].Key' --output text |
    tr '\t' '\n' | sed -n "s|^$prefix/\(.*\)\.sha256\$|\1|p" | sort | awk -v first="$POSITION_FILE" '$0 >= first')
  if [ "${#names[@]}" -eq 0 ] || [ "${names[0]}" != "$POSITION_FILE" ]; then
    die "the archived log $POSITION_FILE (where $(basename "$1") stands) is missing: refused"
  fi
  local name expected="${POSITION_FILE##*.}"
  for name in "${names[@]}"; do
    [ "${name##*.}" = "$expected" ] || die "the archived log after ${name%.*}.$(printf '%06d' $((10#$expected - 1))) is missing (next is $name): refused"
    expected="$(printf '%06d' $((10#$expected + 1)))"
  done
  # One download for every log and its checksum: a day of logs archived every five minutes is
  # hundreds of them.
  local -a only
  mapfile -t only < <(only_these "${names[@]}" "${names[@]/%/.sha256}")
  s3 s3 cp --only-show-errors --recursive "${only[@]}" "s3://$S3_BUCKET/$prefix/" "$folder/"
  for name in "${names[@]}"; do
    [ -f "$folder/$name" ] || die "the archived log $name could not be downloaded: refused"
    (cd "$folder" && sha256sum --check --status "$name.sha256") || die "the archived log $name does not match its checksum: refused"
  done
  printf '%s\n' "$POSITION_FILE" "$POSITION" >"$folder/position"
  printf '%s\n' "${names[@]}" >"$folder/logs"
  log "fetched and verified ${#names[@]} archived logs of lineage $POSITION_LINEAGE from $POSITION_FILE:$POSITION"
}

cmd_fetch() {
  need BACKUP_KEY RESTORE_DIR S3_BUCKET S3_PREFIX
  local key
  case "$BACKUP_KEY" in
    before-time) key="$(dump_before "$RESTORE_TO_TIME")" ;;
    latest)
      key="$(s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$S3_PREFIX/" \
        --query 'Contents[].Key' --output text | tr '\t' '\n' | grep '\.sql\.gz\.sha256$' | sort | tail -n 1 || true)"
      [ -n "$key" ] || die "no complete backup under s3://$S3_BUCKET/$S3_PREFIX/"
      key="${key%.sha256}"
      ;;
    */*) key="$BACKUP_KEY" ;;
    *) key="$S3_PREFIX/$BACKUP_KEY" ;;
  esac
  case "$key" in *.sql.gz) ;; *) die "$key is not a backup (*.sql.gz)" ;; esac
  mkdir -p "$RESTORE_DIR"
  rm -rf "$RESTORE_DIR"/*.sql.gz "$RESTORE_DIR"/*.sql.gz.sha256 "$RESTORE_DIR/binlog"
  local name
  name="$(basename "$key")"
  log "fetching s3://$S3_BUCKET/$key"
  s3 s3 cp --only-show-errors "s3://$S3_BUCKET/$key.sha256" "$RESTORE_DIR/$name.sha256" || die "no checksum object for $key: not a complete backup"
  s3 s3 cp --only-show-errors "s3://$S3_BUCKET/$key" "$RESTORE_DIR/$name"
  verified_dump >/dev/null
  log "fetched and verified $name ($(wc -c <"$RESTORE_DIR/$name") bytes)"
  [ -z "${RESTORE_TO_TIME:-}" ] || fetch_binlogs "$RESTORE_DIR/$name"
}

# The fetched logs, in order, each checked again (checksum file, every event's CRC32, not cut
# short), and covering the target time: printed one per line, or the restore is refused
# before the database is touched.
verified_binlogs() {
  local folder="$RESTORE_DIR/binlog" name last
  [ -f "$folder/logs" ] || die "no archived logs were fetched for $1"
  while read -r name; do
    (cd "$folder" && sha256sum --check --status "$name.sha256") || die "the archived log $name does not match its checksum: refused"
    mysqlbinlog --verify-binlog-checksum "$folder/$name" >/dev/null 2>&1 || die "the archived log $name is damaged or truncated: refused"
    printf '%s\n' "$folder/$name"
  done <"$folder/logs"
  # The archive reaches the target only if its newest log ends at or after it: each archive run
  # closes the active log, and the closing (rotate) event carries the time of that run.
  last="$(TZ=UTC mysqlbinlog "$folder/$(tail -n 1 "$folder/logs")" | sed -n 's/^#\([0-9]\{6\}\) \{1,2\}\([0-9]\{1,2\}:[0-9:]*\) server id.*/\1 \2/p' | tail -n 1)"
  [ -n "$last" ] || die "the newest archived log holds no event"
  local ends target
  ends="$(date -u -d "20${last:0:2}-${last:2:2}-${last:4:2} ${last:7}" +%s)"
  target="$(date -u -d "$(printf '%s' "$1" | sed 's/Z$//; s/T/ /')" +%s)"
  [ "$ends" -ge "$target" ] ||
    die "the archived logs end at $(date -u -d "@$ends" +%Y-%m-%dT%H:%M:%SZ), before $1: wait for the next archive run or choose an earlier time"
}

# Replays the logs from the dump's position up to, not including, the first event at or after
# the target time (binary log times are whole seconds, in UTC here). MySQL 8.0's mysqlbinlog
# needs --skip-gtids: the server has executed these GTIDs already and would silently skip them;
# MariaDB's has no such option and its GTIDs do not stop a replay.
replay() {
  local target="$1" file pos started
  shift
  read -r file <"$RESTORE_DIR/binlog/position"
  pos="$(sed -n 2p "$RESTORE_DIR/binlog/position")"
  local -a options=(--start-position="$pos" --stop-datetime="$(printf '%s' "$target" | sed 's/Z$//; s/T/ /')" --database="$DB_NAME")
  if mysqlbinlog --help 2>/dev/null | grep -q -- '--skip-gtids'; then options+=(--skip-gtids); fi
  started=$SECONDS
  log "replaying $# archived logs from $file:$pos up to $target"
  TZ=UTC mysqlbinlog "${options[@]}" "$@" | mysql --defaults-extra-file="$DEFAULTS_FILE"
  log "replayed up to $target in $((SECONDS - started))s"
}

cmd_load() {
  need RESTORE_DIR DB_HOST DB_PORT DB_NAME DB_USER_FILE DB_PASSWORD_FILE
  local name file started
  name="$(verified_dump)"
  file="$RESTORE_DIR/$name"
  gzip -t "$file" 2>/dev/null || die "$name is not a complete gzip stream: refused"
  gzip -dc "$file" | tail -n 1 | grep -q '^-- Dump completed' || die "$name has no completion line: refused"
  local -a logs=()
  if [ -n "${RESTORE_TO_TIME:-}" ]; then
    # Not in a process substitution: a refusal there would not stop this script.
    verified_binlogs "$RESTORE_TO_TIME" >"$RESTORE_DIR/binlog/verified"
    mapfile -t logs <"$RESTORE_DIR/binlog/verified"
  fi
  DEFAULTS_FILE="$(client_defaults)"
  trap 'rm -f "$DEFAULTS_FILE"' EXIT
  log "replacing database $DB_NAME on $DB_HOST:$DB_PORT with $name"
  started=$SECONDS
  # Drop and re-create: objects made after the backup must not survive a restore to that point.
  mysql --defaults-extra-file="$DEFAULTS_FILE" -e \
    "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4;"
  gzip -dc "$file" | mysql --defaults-extra-file="$DEFAULTS_FILE" "$DB_NAME"
  log "restored $name into $DB_NAME in $((SECONDS - started))s"
  [ "${#logs[@]}" -eq 0 ] || replay "$RESTORE_TO_TIME" "${logs[@]}"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  load) cmd_load ;;
  *) die "usage: restore.sh fetch|load" ;;
esac
