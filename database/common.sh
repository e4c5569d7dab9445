#!/usr/bin/env bash
# Helpers shared by backup.sh and restore.sh, which source this file from their own folder
# (the ConfigMap mounts all three side by side).

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need() { for var in "$@"; do [ -n "${!var:-}" ] || die "$var is not set"; done; }

# A client option file readable only by us: the password never appears in argv (ps) or env.
client_defaults() {
  local file password
  file="$(mktemp "${TMPDIR:-/tmp}/client.XXXXXX.cnf")"
  password="$(cat "$DB_PASSWORD_FILE")"
  password="${password//\\/\\\\}"
  password="${password//\"/\\\"}"
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\nprotocol=TCP\n' \
    "$DB_USER" "$password" "$DB_HOST" "$DB_PORT" >"$file"
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
