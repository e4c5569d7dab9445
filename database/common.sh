#!/usr/bin/env bash
# Helpers shared by backup.sh, binlog.sh and restore.sh, which source this file from their own
# folder (the ConfigMap mounts them side by side).

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need() { for var in "$@"; do [ -n "${!var:-}" ] || die "$var is not set"; done; }

# A client option file readable only by us: the password never appears in argv (ps) or env.
# The user name is a file too: the secret rotation alternates two users (database/rotate.sh).
# DB_ADMIN_USER instead names the server's administrative user (root) for the steps that need
# replication privileges (binlog.sh, a dump recording its log position, a to-time restore): that
# account is rotated in place, so its name never changes and is no secret.
client_defaults() {
  local file password
  file="$(mktemp "${TMPDIR:-/tmp}/client.XXXXXX.cnf")"
  password="$(cat "$DB_PASSWORD_FILE")"
  password="${password//\\/\\\\}"
  password="${password//\"/\\\"}"
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\nprotocol=TCP\n' \
    "${DB_ADMIN_USER:-$(cat "$DB_USER_FILE")}" "$password" "$DB_HOST" "$DB_PORT" >"$file"
  if [ -n "${DB_SSL_CA:-}" ]; then
    [ -r "$DB_SSL_CA" ] || die "the CA bundle $DB_SSL_CA (DB_SSL_CA) is not readable"
    printf 'ssl-ca="%s"\n%s\n' "$DB_SSL_CA" "$(verify_option)" >>"$file"
  fi
  chmod 600 "$file"
  printf '%s' "$file"
}

# TLS required, the server's certificate and host name verified against DB_SSL_CA (an external
# database). MySQL 8.0's clients (the image's) spell it ssl-mode=VERIFY_IDENTITY; MariaDB's have
# no ssl-mode, and their ssl-verify-server-cert does both checks (and, with ssl-ca, requires TLS).
verify_option() {
  if mysql --help 2>/dev/null | grep -q -- '--ssl-mode'; then
    printf 'ssl-mode=VERIFY_IDENTITY'
  else
    printf 'ssl-verify-server-cert'
  fi
}

s3() {
  local -a endpoint=()
  [ -z "${S3_ENDPOINT_URL:-}" ] || endpoint=(--endpoint-url "$S3_ENDPOINT_URL")
  aws "${endpoint[@]}" "$@"
}

# One statement through the client option file; tab-separated rows, no headers.
sql() { mysql --defaults-extra-file="$1" -N -B -e "$2"; }

# The identity of the server's binary log sequence: @@server_uuid on MySQL 8.0. MariaDB has no
# server_uuid; there the server id stands in (the tests' MariaDB never changes volume).
server_lineage() {
  sql "$1" "SELECT @@server_uuid" 2>/dev/null || printf 'server-%s\n' "$(sql "$1" "SELECT @@server_id")"
}

# The filters of an `aws s3 cp --recursive` that copies exactly the given paths (relative to its
# source), one argument a line for mapfile: one AWS CLI start for any number of files.
only_these() {
  printf '%s\n' --exclude '*'
  local path
  for path in "$@"; do printf '%s\n' --include "$path"; done
}

sse_options() {
  printf '%s\n' --sse "$S3_SSE"
  if [ "$S3_SSE" = "aws:kms" ] && [ -n "${S3_SSE_KMS_KEY_ID:-}" ]; then printf '%s\n' --sse-kms-key-id "$S3_SSE_KMS_KEY_ID"; fi
}
