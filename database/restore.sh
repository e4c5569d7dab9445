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
# Settings (environment): BACKUP_KEY ("latest", a file name such as
#   flask_staging-20261201T021700Z.sql.gz, or a full key) RESTORE_DIR
#   fetch: S3_BUCKET S3_PREFIX [S3_ENDPOINT_URL]
#   load:  DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD_FILE [DB_SSL_CA: an external database's CA
#          bundle; TLS is then required and the server verified]
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

cmd_fetch() {
  need BACKUP_KEY RESTORE_DIR S3_BUCKET S3_PREFIX
  local key
  case "$BACKUP_KEY" in
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
  rm -f "$RESTORE_DIR"/*.sql.gz "$RESTORE_DIR"/*.sql.gz.sha256
  local name
  name="$(basename "$key")"
  log "fetching s3://$S3_BUCKET/$key"
  s3 s3 cp --only-show-errors "s3://$S3_BUCKET/$key.sha256" "$RESTORE_DIR/$name.sha256" || die "no checksum object for $key: not a complete backup"
  s3 s3 cp --only-show-errors "s3://$S3_BUCKET/$key" "$RESTORE_DIR/$name"
  verified_dump >/dev/null
  log "fetched and verified $name ($(wc -c <"$RESTORE_DIR/$name") bytes)"
}

cmd_load() {
  need RESTORE_DIR DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD_FILE
  local name file started
  name="$(verified_dump)"
  file="$RESTORE_DIR/$name"
  gzip -t "$file" 2>/dev/null || die "$name is not a complete gzip stream: refused"
  gzip -dc "$file" | tail -n 1 | grep -q '^-- Dump completed' || die "$name has no completion line: refused"
  DEFAULTS_FILE="$(client_defaults)"
  trap 'rm -f "$DEFAULTS_FILE"' EXIT
  log "replacing database $DB_NAME on $DB_HOST:$DB_PORT with $name"
  started=$SECONDS
  # Drop and re-create: objects made after the backup must not survive a restore to that point.
  mysql --defaults-extra-file="$DEFAULTS_FILE" -e \
    "DROP DATABASE IF EXISTS \`$DB_NAME\`; CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4;"
  gzip -dc "$file" | mysql --defaults-extra-file="$DEFAULTS_FILE" "$DB_NAME"
  log "restored $name into $DB_NAME in $((SECONDS - started))s"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  load) cmd_load ;;
  *) die "usage: restore.sh fetch|load" ;;
esac
