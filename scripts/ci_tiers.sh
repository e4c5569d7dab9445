# Sourced by .ci/run: each tier's wall time and status go to tiers.tsv in $CI_REPORTS, pytest
# tiers also write a JUnit report there, and on exit (success or not) scripts/ci_summary.py
# prints one table of them, the tier that failed marked so. The exit status is kept.
#   begin NAME   a tier starts; sets $pytest_args (its JUnit report, the 15 slowest tests)
#   end          it succeeded
#   background NAME COMMAND...   run COMMAND in the background as its own tier ($! is its pid);
#                its line is written when it ends, with its own time (which overlaps the others)
# shellcheck shell=bash

: "${CI_REPORTS:?set CI_REPORTS to the report folder}"
rm -rf "$CI_REPORTS" && mkdir -p "$CI_REPORTS"
tier=
tier_started=$SECONDS
pytest_args=

begin() {
  tier=$1 tier_started=$SECONDS
  # shellcheck disable=SC2034  # read by .ci/run
  # --durations: the slowest tests printed in every run, so that a test that got slow is seen.
  pytest_args="--durations=15 --junitxml=$CI_REPORTS/$1.xml"
}

record() { echo "$1 $2 $3" >>"$CI_REPORTS/tiers.tsv"; }

end() {
  record "$tier" "${1:-ok}" $((SECONDS - tier_started))
  tier=
}

background() {
  local name=$1
  shift
  (
    local started=$SECONDS status=0
    "$@" || status=$?
    record "$name" "$([ "$status" = 0 ] && echo ok || echo failed)" $((SECONDS - started))
    exit "$status"
  ) &
}

ci_summary() {
  local status=$?
  if [ -n "$tier" ]; then end failed; fi
  echo
  python3 "$(dirname "${BASH_SOURCE[0]}")/ci_summary.py" "$CI_REPORTS" "$SECONDS" || true
  exit "$status"
}
trap ci_summary EXIT
