#!/usr/bin/env bash
# Rotation of the environment's secrets by Secrets Manager's own protocol, one step per
# container of one pod (every step but the last is an init container, so a step runs only after
# the one before it exited 0). The steps hand files to each other in $WORK_DIR, an in-memory
# emptyDir that dies with the pod:
#
#   rotate.sh fetch      aws-cli image: refuse when a rotation is pending; read AWSCURRENT
#   rotate.sh generate   MySQL image:   the new values, offline (openssl, /dev/urandom)
#   rotate.sh create     aws-cli image: createSecret, the new version staged AWSPENDING only
#   rotate.sh set        MySQL image:   setSecret, the new password on the user that is not current
#   rotate.sh test       MySQL image:   testSecret, log in with the pending values
#   rotate.sh finish     aws-cli image: finishSecret, AWSCURRENT moves to the pending version
#
# Database (key "database"): alternating users. The application has two users with the same
# grants, $APP_USER and ${APP_USER}_clone; a rotation sets a new password on the one that is
# not current, so the user the running pods hold keeps working until the next rotation. The
# administrative user ($ROOT_USER) has one account: it is rotated in place (single user) and put
# back when the test fails.
# Flask key ("flask") and JWT keys ("jwt"): the current value is kept beside the new one
# (previous-secret-key, previous-public-key), so sessions and tokens signed before the
# rotation stay valid until the next one.
#
# A failure at any step leaves AWSCURRENT as it was, and the users it names able to log in.
# It also leaves an AWSPENDING version that is not AWSCURRENT: that is the marker which
# refuses every later rotation of the key until someone looks (docs/operations.md).
#
# Settings (environment): ROTATE_KEYS (names, space-separated) KEY_PREFIX WORK_DIR
#   [SM_ENDPOINT_URL]; with "database" among the keys also DB_HOST DB_PORT DB_NAME APP_USER
#   [ROOT_USER=root]. Without it the database is never contacted (an external database, whose
#   administrative login the cluster does not have), and the CronJob has no `set` step.
set -euo pipefail

# shellcheck source=database/common.sh
source "$(dirname "$0")/common.sh"

PENDING=AWSPENDING
CURRENT=AWSCURRENT
RSA_BITS=3072

sm() {
  local -a endpoint=()
  [ -z "${SM_ENDPOINT_URL:-}" ] || endpoint=(--endpoint-url "$SM_ENDPOINT_URL")
  aws "${endpoint[@]}" secretsmanager "$@"
}

secret_id() { printf '%s/%s' "$KEY_PREFIX" "$1"; }
key_dir() { printf '%s/%s' "$WORK_DIR" "$1"; }

# --- JSON of flat objects of strings, the only shape the store keys have ------------------------

# json_get FILE PROPERTY: the property's string value, unescaped; exit 1 when absent.
json_get() {
  local raw
  raw="$(tr -d '\n' <"$1" | grep -o -E "\"$2\"[[:space:]]*:[[:space:]]*\"([^\"\\\\]|\\\\.)*\"" | head -n 1)" || return 1
  raw="${raw#*:}"
  raw="${raw#"${raw%%\"*}"}"
  raw="${raw:1:${#raw}-2}"
  raw="${raw//\\\\/$'\x01'}"
  raw="${raw//\\n/$'\n'}"
  raw="${raw//\\\"/\"}"
  raw="${raw//\\\//\/}"
  printf '%s' "${raw//$'\x01'/\\}"
}

# json_keep FILE PROPERTY: like json_get, for $(...) that must keep a trailing newline (PEM).
json_keep() { json_get "$1" "$2" && printf x; }

json_string() {
  local value="$1"
  value="${value//\\/\\\\}"
  value="${value//\"/\\\"}"
  value="${value//$'\n'/\\n}"
  printf '"%s"' "$value"
}

# json_object NAME VALUE [NAME VALUE ...]
json_object() {
  local out="{" separator=""
  while [ "$#" -ge 2 ]; do
    out+="$separator$(json_string "$1"): $(json_string "$2")"
    separator=", "
    shift 2
  done
  printf '%s}' "$out"
}

# --- values ---------------------------------------------------------------------------------------

random_token() { head -c "$1" /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

rsa_pair() { # rsa_pair DIR: DIR/private-key and DIR/public-key
  openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$RSA_BITS" -out "$1/private-key" 2>/dev/null
  openssl pkey -in "$1/private-key" -pubout -out "$1/public-key"
}

alternate_user() { if [ "$1" = "$APP_USER" ]; then printf '%s_clone' "$APP_USER"; else printf '%s' "$APP_USER"; fi; }

# --- steps ----------------------------------------------------------------------------------------

# The version ids staged AWSPENDING but not AWSCURRENT: a rotation running, or one that failed.
pending_versions() {
  sm list-secret-version-ids --secret-id "$(secret_id "$1")" --output text \
    --query "Versions[?contains(VersionStages, '$PENDING') && !contains(VersionStages, '$CURRENT')].VersionId"
}

refuse_when_pending() {
  local pending
  pending="$(pending_versions "$1")"
  [ -z "$pending" ] || [ "$pending" = "None" ] ||
    die "$(secret_id "$1"): version $pending is staged $PENDING: another rotation is running or failed; nothing changed"
}

cmd_fetch() {
  need ROTATE_KEYS KEY_PREFIX WORK_DIR
  umask 077
  local name dir answer
  for name in $ROTATE_KEYS; do
    refuse_when_pending "$name"
    dir="$(key_dir "$name")"
    mkdir -p "$dir"
    # One read for the id and the value: two could straddle another writer's change of stages.
    # Text output is "<version id><tab><value>"; a version id holds no tab.
    answer="$(sm get-secret-value --secret-id "$(secret_id "$name")" --version-stage "$CURRENT" \
      --query '[VersionId, SecretString]' --output text)"
    printf '%s\n' "${answer%%$'\t'*}" >"$dir/current.version"
    printf '%s\n' "${answer#*$'\t'}" >"$dir/current.json"
    log "$(secret_id "$name"): read $CURRENT version $(cat "$dir/current.version")"
  done
}

generate_database() {
  need APP_USER
  local dir="$1" user
  user="$(json_get "$dir/current.json" username)" || die "database: AWSCURRENT has no username"
  json_object username "$(alternate_user "$user")" password "$(random_token 32)" \
    root-password "$(random_token 32)" >"$dir/pending.json"
}

generate_flask() {
  local dir="$1" current
  current="$(json_get "$dir/current.json" secret-key)" || die "flask: AWSCURRENT has no secret-key"
  json_object secret-key "$(random_token 48)" previous-secret-key "$current" >"$dir/pending.json"
}

generate_jwt() {
  local dir="$1" current keys
  current="$(json_keep "$dir/current.json" public-key)" || die "jwt: AWSCURRENT has no public-key"
  current="${current%x}"
  keys="$(mktemp -d "${TMPDIR:-/tmp}/jwt.XXXXXX")"
  rsa_pair "$keys"
  # PEM files end with a newline, which $(...) drops: put it back, as bootstrap stores them.
  json_object private-key "$(cat "$keys/private-key")"$'\n' public-key "$(cat "$keys/public-key")"$'\n' \
    previous-public-key "$current" >"$dir/pending.json"
  rm -rf "$keys"
}

cmd_generate() {
  need ROTATE_KEYS WORK_DIR
  umask 077
  local name dir
  for name in $ROTATE_KEYS; do
    dir="$(key_dir "$name")"
    case "$name" in
      database) generate_database "$dir" ;;
      flask) generate_flask "$dir" ;;
      jwt) generate_jwt "$dir" ;;
      *) die "$name: no rotation for this key" ;;
    esac
    cat /proc/sys/kernel/random/uuid >"$dir/pending.version"
    log "$(secret_id "$name"): new values generated"
  done
}

cmd_create() {
  need ROTATE_KEYS KEY_PREFIX WORK_DIR
  local name dir
  for name in $ROTATE_KEYS; do
    dir="$(key_dir "$name")"
    # Again, right before writing: a rotation started since `fetch` wins, this one stops.
    refuse_when_pending "$name"
    sm put-secret-value --secret-id "$(secret_id "$name")" --client-request-token "$(cat "$dir/pending.version")" \
      --secret-string "file://$dir/pending.json" --version-stages "$PENDING" --output text --query VersionId >/dev/null
    log "$(secret_id "$name"): createSecret: version $(cat "$dir/pending.version") staged $PENDING"
  done
}

# A client option file for one login (the password never reaches argv or the environment).
login_file() { # login_file USER PASSWORD [DATABASE]
  local file password="$2"
  file="$(mktemp "${TMPDIR:-/tmp}/login.XXXXXX.cnf")"
  password="${password//\\/\\\\}"
  password="${password//\"/\\\"}"
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\nprotocol=TCP\n%s' \
    "$1" "$password" "$DB_HOST" "$DB_PORT" "${3:+database=$3$'\n'}" >"$file"
  chmod 600 "$file"
  printf '%s' "$file"
}

sql_tool() { command -v mysql 2>/dev/null || command -v mariadb 2>/dev/null || die "no mysql client in PATH"; }

# run_sql LOGIN_FILE: the statement on stdin; rows tab-separated on stdout.
run_sql() { "$(sql_tool)" --defaults-extra-file="$1" --connect-timeout=10 -N -B; }

sql_quote() { local v="${1//\\/\\\\}"; printf "'%s'" "${v//\'/\\\'}"; }

admin_login() { # the administrative login of a JSON file of the database key
  login_file "${ROOT_USER:-root}" "$(json_get "$1" root-password)"
}

# The other application user gets the grants of the current one (created on first use).
set_application_user() {
  local admin="$1" current_user="$2" user="$3" password="$4" grants
  grants="$(run_sql "$admin" <<<"SHOW GRANTS FOR $(sql_quote "$current_user")@'%'")"
  {
    printf "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s;\n" "$(sql_quote "$user")" "$(sql_quote "$password")"
    printf "ALTER USER %s@'%%' IDENTIFIED BY %s;\n" "$(sql_quote "$user")" "$(sql_quote "$password")"
    # SHOW GRANTS names the user as `name`@`host`; MariaDB adds the password hash, dropped here.
    printf '%s\n' "$grants" | sed -E "s/ TO \`[^\`]+\`@/ TO \`$user\`@/; s/ IDENTIFIED BY PASSWORD '[^']*'//; s/\$/;/"
  } | run_sql "$admin"
}

set_admin_password() { # set_admin_password LOGIN_FILE PASSWORD: every account of the admin user
  local accounts
  accounts="$(run_sql "$1" <<<"SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User = $(sql_quote "${ROOT_USER:-root}")")"
  [ -n "$accounts" ] || die "no account of ${ROOT_USER:-root}"
  while read -r account; do
    printf 'ALTER USER %s IDENTIFIED BY %s;\n' "$account" "$(sql_quote "$2")"
  done <<<"$accounts" | run_sql "$1"
}

set_database() {
  need DB_HOST DB_PORT APP_USER
  local dir="$1" admin current_user
  admin="$(admin_login "$dir/current.json")"
  current_user="$(json_get "$dir/current.json" username)"
  set_application_user "$admin" "$current_user" "$(json_get "$dir/pending.json" username)" \
    "$(json_get "$dir/pending.json" password)" || die "database: setSecret failed for the application user"
  # Last: from here on only the pending version's administrative password logs in.
  set_admin_password "$admin" "$(json_get "$dir/pending.json" root-password)" ||
    die "database: setSecret failed for ${ROOT_USER:-root}"
  rm -f "$admin"
}

cmd_set() {
  need ROTATE_KEYS WORK_DIR
  local name
  for name in $ROTATE_KEYS; do
    # Only the database holds a copy of its secret; the app reads the others from the Secret.
    if [ "$name" = database ]; then set_database "$(key_dir "$name")"; fi
    log "$(secret_id "$name"): setSecret done"
  done
}

test_database() {
  need DB_HOST DB_PORT DB_NAME
  local dir="$1" app admin
  app="$(login_file "$(json_get "$dir/pending.json" username)" "$(json_get "$dir/pending.json" password)" "$DB_NAME")"
  admin="$(admin_login "$dir/pending.json")"
  if ! run_sql "$app" <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()" >/dev/null; then
    restore_admin "$dir" "$admin"
    die "database: testSecret: the pending application user cannot log in"
  fi
  if ! run_sql "$admin" <<<"SELECT 1" >/dev/null; then
    restore_admin "$dir" "$(admin_login "$dir/current.json")"
    die "database: testSecret: the pending ${ROOT_USER:-root} password does not log in"
  fi
  rm -f "$app" "$admin"
}

# Puts AWSCURRENT's administrative password back, logging in with whichever works.
restore_admin() {
  set_admin_password "$2" "$(json_get "$1/current.json" root-password)" ||
    log "database: could not put ${ROOT_USER:-root}'s current password back"
}

test_jwt() {
  local dir="$1" keys
  keys="$(mktemp -d "${TMPDIR:-/tmp}/jwt.XXXXXX")"
  json_get "$dir/pending.json" private-key >"$keys/private"
  json_get "$dir/pending.json" public-key >"$keys/public"
  openssl pkey -in "$keys/private" -pubout | cmp -s - "$keys/public" || die "jwt: testSecret: public-key is not the private key's"
  rm -rf "$keys"
}

cmd_test() {
  need ROTATE_KEYS WORK_DIR
  local name dir
  for name in $ROTATE_KEYS; do
    dir="$(key_dir "$name")"
    case "$name" in
      database) test_database "$dir" ;;
      jwt) test_jwt "$dir" ;;
      flask) [ -n "$(json_get "$dir/pending.json" secret-key)" ] || die "flask: testSecret: empty secret-key" ;;
    esac
    log "$(secret_id "$name"): testSecret passed"
  done
}

cmd_finish() {
  need ROTATE_KEYS KEY_PREFIX WORK_DIR
  local name dir id pending
  for name in $ROTATE_KEYS; do
    dir="$(key_dir "$name")"
    id="$(secret_id "$name")"
    pending="$(cat "$dir/pending.version")"
    # One call: AWSCURRENT moves and Secrets Manager stages the old version AWSPREVIOUS.
    sm update-secret-version-stage --secret-id "$id" --version-stage "$CURRENT" \
      --move-to-version-id "$pending" --remove-from-version-id "$(cat "$dir/current.version")" >/dev/null
    sm update-secret-version-stage --secret-id "$id" --version-stage "$PENDING" --remove-from-version-id "$pending" >/dev/null
    log "$id: finishSecret: version $pending is $CURRENT"
  done
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  generate) cmd_generate ;;
  create) cmd_create ;;
  set) cmd_set ;;
  test) cmd_test ;;
  finish) cmd_finish ;;
  *) die "usage: rotate.sh fetch|generate|create|set|test|finish" ;;
esac
