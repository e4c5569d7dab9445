#!/usr/bin/env bash
# Archive of the in-cluster server's binary logs to S3, beside the dumps, for point-in-time
# recovery (restore.sh with RESTORE_TO_TIME). Three steps, three containers of one pod, every
# few minutes (the binlog CronJob):
#
#   binlog.sh list     aws-cli image: the logs already archived (their checksum objects)
#   binlog.sh fetch    MySQL image:   FLUSH BINARY LOGS, so every write so far is in a closed log;
#                                     copy each closed log not yet archived over the replication
#                                     protocol, check every event's checksum, write its SHA-256
#   binlog.sh upload   aws-cli image: verify each checksum, upload the logs, then their checksums
#
# The same integrity rules as the dumps: a log that fails its event checksums never gets a
# .sha256 file and is never uploaded; the checksum object is uploaded last and is what marks a
# log archived; restore refuses a log whose bytes do not match it. Keys are
# <prefix>/binlog/<lineage>/<log name>: the lineage is the server's identity (@@server_uuid), so
# a server started on a new volume, whose logs are numbered from 1 again, never overwrites the
# logs of the one before.
#
# Settings (environment): BINLOG_DIR; list, upload: S3_BUCKET S3_PREFIX S3_SSE [S3_SSE_KMS_KEY_ID]
#   [S3_ENDPOINT_URL]; fetch: DB_HOST DB_PORT DB_ADMIN_USER DB_PASSWORD_FILE (a user with
#   REPLICATION SLAVE, REPLICATION CLIENT and RELOAD: the server's root user)
set -euo pipefail

# shellcheck source=database/common.sh
source "$(dirname "$0")/common.sh"

archived_list() { printf '%s/archived.txt' "$BINLOG_DIR"; }

cmd_list() {
  need BINLOG_DIR S3_BUCKET S3_PREFIX
  mkdir -p "$BINLOG_DIR"
  # Archived = its checksum object exists; the key without .sha256, relative to the prefix.
  s3 s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$S3_PREFIX/binlog/" --query 'Contents[].Key' --output text |
    tr '\t' '\n' | sed -n "s|^$S3_PREFIX/binlog/\(.*\)\.sha256\$|\1|p" | sort >"$(archived_list)"
  log "$(wc -l <"$(archived_list)") logs archived so far"
}

cmd_fetch() {
  need BINLOG_DIR DB_HOST DB_PORT DB_ADMIN_USER DB_PASSWORD_FILE
  umask 077
  [ -f "$(archived_list)" ] || die "no list of archived logs: the list step did not run"
  DEFAULTS_FILE="$(client_defaults)"
  trap 'rm -f "$DEFAULTS_FILE"' EXIT
  local lineage folder
  lineage="$(server_lineage "$DEFAULTS_FILE")"
  folder="$BINLOG_DIR/$lineage"
  mkdir -p "$folder"
  # Closes the active log: what was written until now is in a closed log this run archives.
  sql "$DEFAULTS_FILE" "FLUSH BINARY LOGS"
  local -a logs
  mapfile -t logs < <(sql "$DEFAULTS_FILE" "SHOW BINARY LOGS" | cut -f1)
  [ "${#logs[@]}" -ge 2 ] || die "the server keeps no closed binary log: is log-bin on?"
  unset 'logs[-1]' # the new active log
  local name fetched=0
  for name in "${logs[@]}"; do
    grep -qxF "$lineage/$name" "$(archived_list)" && continue
    mysqlbinlog --defaults-extra-file="$DEFAULTS_FILE" --read-from-remote-server --raw \
      --result-file="$folder/" "$name"
    # Every event's CRC32, and a log that ends inside an event, fail here: no checksum, no upload.
    mysqlbinlog --verify-binlog-checksum "$folder/$name" >/dev/null || die "$name fails its event checksums: not archived"
    (cd "$folder" && sha256sum "$name" >"$name.sha256.partial" && mv "$name.sha256.partial" "$name.sha256")
    fetched=$((fetched + 1))
  done
  log "lineage $lineage: $fetched closed logs fetched, ${#logs[@]} closed on the server"
}

cmd_upload() {
  need BINLOG_DIR S3_BUCKET S3_PREFIX S3_SSE
  local -a sums sse relatives=() logs marks
  shopt -s nullglob
  sums=("$BINLOG_DIR"/*/*.sha256)
  mapfile -t sse < <(sse_options)
  local sum folder name
  for sum in "${sums[@]}"; do
    folder="$(dirname "$sum")"
    name="$(basename "${sum%.sha256}")"
    (cd "$folder" && sha256sum --check --status "$name.sha256") || die "$name does not match its checksum: not uploaded"
    relatives+=("$(basename "$folder")/$name")
  done
  if [ "${#relatives[@]}" -gt 0 ]; then
    mapfile -t logs < <(only_these "${relatives[@]}")
    mapfile -t marks < <(only_these "${relatives[@]/%/.sha256}")
    # Two AWS CLI calls for any number of logs (a run after an outage has many to catch up
    # on): every log, then, only once all of them are in, their checksum objects, which are
    # what mark a log archived.
    s3 s3 cp --only-show-errors --recursive "${sse[@]}" --content-type application/octet-stream \
      "${logs[@]}" "$BINLOG_DIR/" "s3://$S3_BUCKET/$S3_PREFIX/binlog/"
    s3 s3 cp --only-show-errors --recursive "${sse[@]}" --content-type text/plain \
      "${marks[@]}" "$BINLOG_DIR/" "s3://$S3_BUCKET/$S3_PREFIX/binlog/"
  fi
  log "uploaded ${#sums[@]} logs to s3://$S3_BUCKET/$S3_PREFIX/binlog/"
}

case "${1:-}" in
  list) cmd_list ;;
  fetch) cmd_fetch ;;
  upload) cmd_upload ;;
  *) die "usage: binlog.sh list|fetch|upload" ;;
esac
