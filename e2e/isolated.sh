#!/usr/bin/env bash
# Run a command in a private network namespace that has only a loopback interface: every
# process of the end-to-end tier (some of which listen on all addresses, and all of which
# would try the internet if misconfigured) can reach nothing but each other.
set -euo pipefail
if [ "${FLASK_PLATFORM_E2E_ISOLATED:-}" = 1 ]; then
  ip link set lo up
  exec "$@"
fi
user_ns=()
[ "$(id -u)" -eq 0 ] || user_ns=(--user --map-root-user)
FLASK_PLATFORM_E2E_ISOLATED=1 exec unshare "${user_ns[@]}" --net -- "$0" "$@"
