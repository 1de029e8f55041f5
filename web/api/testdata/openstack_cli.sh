#!/usr/bin/env bash
# Drives the stock `openstack` client (Debian's python3-openstackclient)
# against a running ImageShare API at $IMAGESHARE_URL with the demo world,
# as two users: alice (acme, the owner) and bob (bravo, the recipient),
# through the whole flow a user types: share a demo image, then create
# images with and without data, show, set, unset, save, share, accept,
# reject, set pending, list, remove and delete them.
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "alice registers an image with its data: image create --file"
head -c 3000000 /dev/urandom >"$work/disk.raw"
IMG2=$(alice image create --container-format bare --disk-format raw --file "$work/disk.raw" --property team=cli cli-file -f value -c id)
[[ $IMG2 =~ ^[0-9a-f-]{36}$ ]] || fail "image create --file: '$IMG2' is not an image ID"

step "image show: active, with the file's size and MD5"
out=$(alice image show "$IMG2" -f json)
has "image show" "$out" '"status": "active"'
has "image show" "$out" '"size": 3000000'
has "image show" "$out" "\"checksum\": \"$(md5sum "$work/disk.raw" | cut -d' ' -f1)\""
has "image show" "$out" '"team": "cli"'

step "image set --name --property --tag, then image show"
alice image set --name cli-file-v2 --property team=ops --property tier=gold --tag blue --tag green --min-ram 512 "$IMG2"
out=$(alice image show "$IMG2" -f json)
for want in '"name": "cli-file-v2"' '"team": "ops"' '"tier": "gold"' '"blue"' '"green"' '"min_ram": 512'; do
  has "image show after image set" "$out" "$want"
done
alice image unset --property tier "$IMG2"
lacks "image unset --property" "$(alice image show "$IMG2" -f json)" '"tier"'

step "image save: the bytes come back identical"
alice image save --file "$work/saved.raw" "$IMG2"
cmp -s "$work/disk.raw" "$work/saved.raw" || fail "image save: the saved file differs from the uploaded one"

step "image create without --file (stdin is a terminal): queued, and shared at once"
if command -v script >/dev/null; then
  # Without --file the client uploads standard input unless it is a
  # terminal: give it one.
  out=$(OS_USERNAME=alice OS_USER_DOMAIN_NAME=acme OS_PROJECT_NAME=cn-north-4 OS_PROJECT_DOMAIN_NAME=acme \
    script -qec "openstack image create --container-format bare --disk-format raw --min-disk 20 --property team=cli cli-queued -f json" /dev/null | tr -d '\r')
  NEW=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out") || fail "image create: no JSON image in:"$'\n'"$out"
  [[ $NEW =~ ^[0-9a-f-]{36}$ ]] || fail "image create: no image ID in:"$'\n'"$out"
  has "image create without data" "$out" '"status": "queued"'
  has "image create without data" "$out" '"team": "cli"'
  out=$(alice image add project "$NEW" "$BOB_PROJECT" -f value -c status)
  has "image add project on a queued image" "$out" "pending"
  alice image delete "$NEW"
  lacks "image list after image delete" "$(alice image list --private -f value -c ID)" "$NEW"
else
  echo "   (skipped: no script(1) to give the client a terminal)"
fi

step "alice shares the image with data; bob accepts, saves, rejects, takes it back to pending"
has "image add project" "$(alice image add project "$IMG2" "$BOB_PROJECT" -f value -c status)" "pending"
has "image member list" "$(alice image member list "$IMG2" -f value -c "Member ID" -c Status)" "$BOB_PROJECT pending"
bob image set --accept "$IMG2"
has "image member list after --accept" "$(alice image member list "$IMG2" -f value -c "Member ID" -c Status)" "$BOB_PROJECT accepted"
has "bob's image list --shared" "$(bob image list --shared -f value -c ID)" "$IMG2"
bob image save --file "$work/bob.raw" "$IMG2"
cmp -s "$work/disk.raw" "$work/bob.raw" || fail "bob's image save: the saved file differs from the uploaded one"
bob image set --reject "$IMG2"
has "image member list after --reject" "$(alice image member list "$IMG2" -f value -c "Member ID" -c Status)" "$BOB_PROJECT rejected"
lacks "bob's image list --shared after --reject" "$(bob image list --shared -f value -c ID)" "$IMG2"
bob image set --pending "$IMG2"
has "image member list after --pending" "$(alice image member list "$IMG2" -f value -c "Member ID" -c Status)" "$BOB_PROJECT pending"
has "bob's image list --shared --member-status pending" "$(bob image list --shared --member-status pending -f value -c ID)" "$IMG2"

step "alice stops sharing and deletes the image: image remove project, image delete"
alice image remove project "$IMG2" "$BOB_PROJECT"
lacks "image member list after remove project" "$(alice image member list "$IMG2" -f value -c "Member ID")" "$BOB_PROJECT"
alice image delete "$IMG2"
lacks "image list after image delete" "$(alice image list -f value -c ID)" "$IMG2"
if out=$(alice image show "$IMG2" 2>&1); then fail "image show after image delete: the image is still there:"$'\n'"$out"; fi

step "an image described in IMS's way (__os_version) is made without data"
if command -v script >/dev/null; then
  out=$(OS_USERNAME=alice OS_USER_DOMAIN_NAME=acme OS_PROJECT_NAME=cn-north-4 OS_PROJECT_DOMAIN_NAME=acme \
    script -qec "openstack image create --min-disk 20 --property __os_version='Debian 12 64bit' cli-import -f json" /dev/null | tr -d '\r')
  NEW=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out") || fail "image create: no JSON image in:"$'\n'"$out"
  has "image create (IMS)" "$out" '"status": "saving"'
  alice image delete "$NEW"
fi

echo "openstack CLI: all checks passed"
