#!/usr/bin/env bash
# Logical backup of the application database to S3, in two steps that run as two containers of
# one pod (the dump step is an init container, so the upload step starts only after it succeeded):
#
#   backup.sh dump     MySQL image:   mysqldump | gzip into $BACKUP_DIR, then the dump's SHA-256
#   backup.sh upload   aws-cli image: verify the checksum, upload the dump, then the checksum
#
# A failed dump never becomes a "good" backup, for three independent reasons:
#   1. pipefail: a mysqldump that fails half-way fails the pipeline even though gzip succeeded,
#      and the half-written file keeps its .partial name, which nothing uploads;
#   2. the checksum is written only after mysqldump exited 0 and its closing "-- Dump completed"
#      line is present; upload refuses a directory without a verified checksum;
#   3. the checksum object is uploaded last: restore only considers dumps whose .sha256 object
#      exists and matches, and an S3 object is never visible half-written.
#
# Settings (environment): DB_HOST DB_PORT DB_NAME DB_USER_FILE DB_PASSWORD_FILE [DB_SSL_CA] BACKUP_DIR
#   S3_BUCKET S3_PREFIX S3_SSE (AES256 or aws:kms) [S3_SSE_KMS_KEY_ID] [S3_ENDPOINT_URL]
#   [BACKUP_NAME]: defaults to <database>-<UTC time>, which sorts by time.
#   [DUMP_BINLOG_POSITION=true]: record the binary log position and lineage (binlog.sh, PITR).
#   [PUSHGATEWAY_URL METRICS_JOB METRICS_NAMESPACE]: after the upload, push the dump's size there.
set -euo pipefail

# shellcheck source=database/common.sh
source "$(dirname "$0")/common.sh"

dump_tool() {
  command -v mysqldump 2>/dev/null || command -v mariadb-dump 2>/dev/null || die "no mysqldump in PATH"
}

cmd_dump() {
  need DB_HOST DB_PORT DB_NAME DB_USER_FILE DB_PASSWORD_FILE BACKUP_DIR
  umask 077
  local name="${BACKUP_NAME:-${DB_NAME}-$(date -u +%Y%m%dT%H%M%SZ)}.sql.gz"
  local partial="$BACKUP_DIR/$name.partial" tool started
  local -a options=(--single-transaction --quick --routines --triggers --events
    --no-tablespaces --hex-blob --default-character-set=utf8mb4)
  tool="$(dump_tool)"
  # MySQL 8's mysqldump would otherwise write SET @@GLOBAL.GTID_PURGED, which a restore as the
  # application user cannot execute; MariaDB's has no such option.
  if "$tool" --help 2>/dev/null | grep -q -- '--set-gtid-purged'; then options+=(--set-gtid-purged=OFF); fi
  DEFAULTS_FILE="$(client_defaults)"
  trap 'rm -f "$DEFAULTS_FILE"' EXIT
  # Point-in-time recovery: the dump records where in the binary logs its snapshot stands (a
  # comment, as a user of another server must not execute it) and which server's logs those
  # are. MySQL 8.0.26+ calls the option --source-data, MariaDB and older MySQL --master-data;
  # both take a global read lock for an instant, hence RELOAD (the root user).
  local lineage=""
  if [ "${DUMP_BINLOG_POSITION:-false}" = true ]; then
    if "$tool" --help 2>/dev/null | grep -q -- '--source-data'; then options+=(--source-data=2); else options+=(--master-data=2); fi
    lineage="$(server_lineage "$DEFAULTS_FILE")"
  fi
  mkdir -p "$BACKUP_DIR"
  rm -f "$BACKUP_DIR"/*.sql.gz "$BACKUP_DIR"/*.sql.gz.sha256 "$BACKUP_DIR"/*.partial
  log "dumping database $DB_NAME from $DB_HOST:$DB_PORT"
  started=$SECONDS
  {
    [ -z "$lineage" ] || printf -- '-- flask-platform binlog lineage: %s\n' "$lineage"
    "$tool" --defaults-extra-file="$DEFAULTS_FILE" "${options[@]}" "$DB_NAME"
  } | gzip -6 -c >"$partial"
  # mysqldump's last line; absent when it was cut short without an error status.
  gzip -dc "$partial" | tail -n 1 | grep -q '^-- Dump completed' || die "the dump has no completion line"
  mv "$partial" "$BACKUP_DIR/$name"
  (cd "$BACKUP_DIR" && sha256sum "$name" >"$name.sha256.partial" && mv "$name.sha256.partial" "$name.sha256")
  log "dumped $name: $(wc -c <"$BACKUP_DIR/$name") bytes compressed in $((SECONDS - started))s, sha256 $(cut -d' ' -f1 "$BACKUP_DIR/$name.sha256")"
}

# charts/series.py's BACKUP_SIZE: the data dashboard's query reads this name.
SIZE_METRIC=flask_platform_backup_size_bytes

# The dump's size, the one figure of a backup no exporter sees, goes to the Pushgateway under the
# group job=$METRICS_JOB, namespace=$METRICS_NAMESPACE (PUT replaces the group's previous push).
# The backup is complete in S3 by then, so a failed report is a warning and the step still
# succeeds: a retry would dump the whole database again for a dashboard figure.
report_size() {
  local bytes=$1
  [ -n "${PUSHGATEWAY_URL:-}" ] || return 0
  need METRICS_JOB METRICS_NAMESPACE
  if ! command -v curl >/dev/null 2>&1; then
    log "warning: no curl in this image: the dump's size ($bytes bytes) is not reported"
    return 0
  fi
  local url="${PUSHGATEWAY_URL%/}/metrics/job/$METRICS_JOB/namespace/$METRICS_NAMESPACE"
  if printf '# TYPE %s gauge\n%s %s\n' "$SIZE_METRIC" "$SIZE_METRIC" "$bytes" |
    curl --silent --show-error --fail --max-time 10 --retry 2 --retry-connrefused --retry-delay 1 \
      --request PUT --data-binary @- "$url"; then
    log "reported the dump's size ($bytes bytes) to $PUSHGATEWAY_URL"
  else
    log "warning: could not report the dump's size to $PUSHGATEWAY_URL; the backup itself is complete"
  fi
}

cmd_upload() {
  need BACKUP_DIR S3_BUCKET S3_PREFIX S3_SSE
  local -a sums sse
  shopt -s nullglob
  sums=("$BACKUP_DIR"/*.sql.gz.sha256)
  [ "${#sums[@]}" -eq 1 ] || die "expected one complete dump in $BACKUP_DIR, found ${#sums[@]}: nothing uploaded"
  local sum_file="${sums[0]}" name
  name="$(basename "${sum_file%.sha256}")"
  (cd "$BACKUP_DIR" && sha256sum --check --status "$name.sha256") || die "$name does not match its checksum: nothing uploaded"
  mapfile -t sse < <(sse_options)
  local key="$S3_PREFIX/$name"
  log "uploading s3://$S3_BUCKET/$key ($S3_SSE)"
  s3 s3 cp --only-show-errors "${sse[@]}" --content-type application/gzip \
    --metadata "sha256=$(cut -d' ' -f1 "$sum_file")" "$BACKUP_DIR/$name" "s3://$S3_BUCKET/$key"
  # Last: the checksum object is what marks the backup complete for restore.
  s3 s3 cp --only-show-errors "${sse[@]}" --content-type text/plain "$sum_file" "s3://$S3_BUCKET/$key.sha256"
  log "uploaded s3://$S3_BUCKET/$key and its checksum"
  report_size "$(stat -c %s "$BACKUP_DIR/$name")"
}

case "${1:-}" in
  dump) cmd_dump ;;
  upload) cmd_upload ;;
  *) die "usage: backup.sh dump|upload" ;;
esac
