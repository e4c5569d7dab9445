#!/usr/bin/env bash
# Helpers shared by backup.sh and restore.sh, which source this file from their own folder
# (the ConfigMap mounts all three side by side).

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
need() { for var in "$@"; do [ -n "${!var:-}" ] || die "$var is not set"; done; }

# A client option file readable only by us: the password never appears in argv (ps) or env.
# The user name is a file too: the secret rotation alternates two users (database/rotate.sh).
client_defaults() {
  local file password
  file="$(mktemp "${TMPDIR:-/tmp}/client.XXXXXX.cnf")"
  password="$(cat "$DB_PASSWORD_FILE")"
  password="${password//\\/\\\\}"
  password="${password//\"/\\\"}"
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\nprotocol=TCP\n' \
    "$(cat "$DB_USER_FILE")" "$password" "$DB_HOST" "$DB_PORT" >"$file"
  chmod 600 "$file"
  printf '%s' "$file"
}

s3() {
  local -a endpoint=()
  [ -z "${S3_ENDPOINT_URL:-}" ] || endpoint=(--endpoint-url "$S3_ENDPOINT_URL")
  aws "${endpoint[@]}" "$@"
}
