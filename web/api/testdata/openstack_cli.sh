#!/usr/bin/env bash
# Drives the stock `openstack` client (Debian's python3-openstackclient)
# against a running ImageShare API at $IMAGESHARE_URL with the demo world,
# as two users: alice (acme, the owner) and bob (bravo, the recipient).
# Every step checks the client's output; the first mismatch stops the
# script with "FAIL: …" and a non-zero exit. web/api's TestOpenstackCLI
# runs it against a fresh server; it also works against `imageshare serve`:
#   IMAGESHARE_URL=http://127.0.0.1:8080 bash web/api/testdata/openstack_cli.sh
set -euo pipefail
: "${IMAGESHARE_URL:?set IMAGESHARE_URL to the server, e.g. http://127.0.0.1:8080}"

export OS_AUTH_URL="$IMAGESHARE_URL/v3" OS_AUTH_TYPE=password OS_IDENTITY_API_VERSION=3 \
  OS_IMAGE_API_VERSION=2 OS_REGION_NAME=cn-north-4 OS_INTERFACE=public OS_PASSWORD=ImageShare-demo1

# as ACCOUNT USER CMD…: run the client as a demo user in its cn-north-4 project.
as() {
  local account=$1 user=$2; shift 2
  OS_USERNAME=$user OS_USER_DOMAIN_NAME=$account OS_PROJECT_NAME=cn-north-4 OS_PROJECT_DOMAIN_NAME=$account \
    openstack "$@"
}
alice() { as acme alice "$@"; }
bob() { as bravo bob "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
# has WHAT HAYSTACK NEEDLE: the output must contain the needle.
has() { grep -qF -- "$3" <<<"$2" || fail "$1: output does not contain '$3':"$'\n'"$2"; }
# lacks WHAT HAYSTACK NEEDLE: the output must not contain the needle.
lacks() { ! grep -qF -- "$3" <<<"$2" || fail "$1: output contains '$3':"$'\n'"$2"; }

step "bob's token names his project"
BOB_PROJECT=$(bob token issue -f value -c project_id)
[[ $BOB_PROJECT =~ ^[0-9a-f]{32}$ ]] || fail "token issue: project_id '$BOB_PROJECT' is not a project ID"

step "alice finds her image"
IMG=$(alice image list --private --name ubuntu-22.04-web -f value -c ID)
[[ $IMG =~ ^[0-9a-f-]{36}$ ]] || fail "image list: '$IMG' is not one image ID"

step "alice shares it with bob's project: image add project"
out=$(alice image add project "$IMG" "$BOB_PROJECT" -f value -c member_id -c status | paste -sd' ')
has "image add project" "$out" "$BOB_PROJECT pending"

step "alice lists the members: image member list"
out=$(alice image member list "$IMG" -f value -c "Member ID" -c Status)
has "image member list" "$out" "$BOB_PROJECT pending"

step "bob: pending images are not in his shared list, but under --member-status pending"
out=$(bob image list --shared -f value -c ID)
lacks "image list --shared (pending)" "$out" "$IMG"
out=$(bob image list --shared --member-status pending -f value -c ID -c Name)
has "image list --shared --member-status pending" "$out" "$IMG ubuntu-22.04-web"

step "bob accepts: image set --accept"
bob image set --accept "$IMG"

step "bob's shared list shows it: image list --shared"
out=$(bob image list --shared -f value -c ID -c Name)
has "image list --shared" "$out" "$IMG ubuntu-22.04-web"
out=$(alice image member list "$IMG" -f value -c "Member ID" -c Status)
has "image member list after accepting" "$out" "$BOB_PROJECT accepted"

step "alice stops sharing: image remove project"
alice image remove project "$IMG" "$BOB_PROJECT"
out=$(alice image member list "$IMG" -f value -c "Member ID")
lacks "image member list after removing" "$out" "$BOB_PROJECT"
out=$(bob image list --shared -f value -c ID)
lacks "image list --shared after removing" "$out" "$IMG"
if out=$(bob image show "$IMG" 2>&1); then fail "image show after removing: bob still sees the image:"$'\n'"$out"; fi

step "alice creates and deletes an image: image create (stdin is a terminal), image delete"
if command -v script >/dev/null; then
  # Without --file the client uploads standard input unless it is a
  # terminal: give it one.
  out=$(OS_USERNAME=alice OS_USER_DOMAIN_NAME=acme OS_PROJECT_NAME=cn-north-4 OS_PROJECT_DOMAIN_NAME=acme \
    script -qec "openstack image create --container-format bare --disk-format raw --min-disk 20 --property __os_version='Debian 12 64bit' --property team=cli cli-import -f json" /dev/null | tr -d '\r')
  NEW=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out") || fail "image create: no JSON image in:"$'\n'"$out"
  [[ $NEW =~ ^[0-9a-f-]{36}$ ]] || fail "image create: no image ID in:"$'\n'"$out"
  has "image create" "$out" '"team": "cli"'
  alice image delete "$NEW"
  out=$(alice image list --private -f value -c ID)
  lacks "image list after image delete" "$out" "$NEW"
else
  echo "   (skipped: no script(1) to give the client a terminal)"
fi

echo "openstack CLI: all checks passed"
