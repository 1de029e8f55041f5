#!/usr/bin/env bash
# Runs tempest's image member tests (Debian's tempest package) against an
# ImageShare server at $IMAGESHARE_URL with the demo world, with two
# pre-provisioned accounts (accounts.yaml.in), serially: the tests of one
# class share the accounts, and ListSharedImagesTest counts the images
# pending for alt. Prints subunit-trace's summary; exits non-zero unless
# every test passed and none was skipped. The work directory (tempest.log
# with every request and answer) is $TEMPEST_WORK, or a temporary one.
#   IMAGESHARE_URL=http://127.0.0.1:8080 bash web/api/testdata/tempest/run.sh
set -euo pipefail
: "${IMAGESHARE_URL:?set IMAGESHARE_URL to the server, e.g. http://127.0.0.1:8080}"
here=$(cd "$(dirname "$0")" && pwd)
work=${TEMPEST_WORK:-$(mktemp -d)}
region=${TEMPEST_REGION:-cn-north-4}
password=${TEMPEST_PASSWORD:-ImageShare-demo1}
mkdir -p "$work/locks"
fill() { sed -e "s|@URL@|$IMAGESHARE_URL|g" -e "s|@REGION@|$region|g" -e "s|@WORK@|$work|g" -e "s|@PASSWORD@|$password|g" "$1"; }
fill "$here/tempest.conf.in" >"$work/tempest.conf"
fill "$here/accounts.yaml.in" >"$work/accounts.yaml"

tests=(
  tempest.api.image.v2.test_images_member.ImagesMemberTest
  tempest.api.image.v2.test_images_member_negative.ImagesMemberNegativeTest
  tempest.api.image.v2.test_images.ListSharedImagesTest
)
# Debian's tempest lives in the system Python, whatever python3 is first
# on the PATH.
py=/usr/bin/python3
cd "$work"
set +e
TEMPEST_CONFIG_DIR=$work TEMPEST_CONFIG=tempest.conf "$py" -m subunit.run "${tests[@]}" >"$work/results.subunit"
subunit-trace --no-failure-debug <"$work/results.subunit" | tee "$work/summary.txt"
set -e
passed=$(sed -n 's/^ - Passed: \([0-9]*\).*/\1/p' "$work/summary.txt")
failed=$(sed -n 's/^ - Failed: \([0-9]*\).*/\1/p' "$work/summary.txt")
skipped=$(sed -n 's/^ - Skipped: \([0-9]*\).*/\1/p' "$work/summary.txt")
echo "tempest: ${passed:-0} passed, ${failed:-?} failed, ${skipped:-?} skipped (log: $work/tempest.log)"
[ "${passed:-0}" -gt 0 ] && [ "${failed:-1}" = 0 ] && [ "${skipped:-1}" = 0 ]
