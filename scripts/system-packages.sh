#!/usr/bin/env bash
# Install the Debian packages of requirements/system-packages.txt that are missing, so every
# test runs: as root, or through passwordless sudo. Otherwise stop with the one command that
# installs them, before any test starts. Quick when all are installed (dpkg only, no apt).
#   system-packages.sh          install what is missing (or refuse, exit 1)
#   SKIP_SYSTEM_TOOLS=1 ...     only report what is missing: the tests needing it then skip
set -euo pipefail
list="$(cd "$(dirname "$0")/.." && pwd)/requirements/system-packages.txt"
# A package per line; '#' starts a comment.
mapfile -t packages < <(sed -e 's/#.*//' "$list" | awk 'NF { print $1 }')

if ! command -v dpkg >/dev/null; then
  echo "system-packages.sh: no dpkg here (not Debian or Ubuntu); install the equivalents of: ${packages[*]} (or SKIP_SYSTEM_TOOLS=1 to skip the tests that need them)" >&2
  exit 1
fi

# One dpkg call for all. A removed package whose configuration remains is still listed by
# dpkg, so only the status "install ok installed" counts.
installed=" $({ dpkg -s "${packages[@]}" 2>/dev/null || true; } | awk '/^Package: / { name = $2 } /^Status: install ok installed$/ { printf "%s ", name }')"
missing=()
for package in "${packages[@]}"; do
  [[ $installed == *" $package "* ]] || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

# The opt-in lets the tests of a missing package skip (tests/support/tools.py), never in CI.
case "${CI:-}" in 1 | true | TRUE | yes) ;; *)
  case "${SKIP_SYSTEM_TOOLS:-}" in 1 | true | TRUE | yes)
    echo "SKIP_SYSTEM_TOOLS=1: not installing ${missing[*]}; the tests that need them will skip" >&2
    exit 0
    ;;
  esac
  ;;
esac

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "missing Debian packages (requirements/system-packages.txt): install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]} (or make test SKIP_SYSTEM_TOOLS=1 to skip the tests that need them)" >&2
  exit 1
fi
echo "installing ${missing[*]} (requirements/system-packages.txt)" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
