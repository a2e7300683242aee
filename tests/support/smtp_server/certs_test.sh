#!/usr/bin/env bash
# The checked-in test certificates (certs/): each key belongs to its certificate, each names
# what the TLS tests expect, and each stays valid ten more years, so that an expiry shows
# here, with its fix, long before it breaks the TLS tests.
set -euo pipefail
certs="$(dirname "$0")/certs"
fail() { echo "FAIL: $*; fix: run $certs/regenerate.sh and commit the new files" >&2; exit 1; }
check() {
  local stem=$1 names=$2
  local cert="$certs/$stem.pem" key="$certs/$stem-key.pem"
  openssl x509 -in "$cert" -noout -checkend $((10 * 366 * 86400)) >/dev/null ||
    fail "$cert expires within ten years ($(openssl x509 -in "$cert" -noout -enddate))"
  [ "$(openssl x509 -in "$cert" -noout -pubkey)" = "$(openssl pkey -in "$key" -pubout)" ] ||
    fail "$key is not the key of $cert"
  local san
  san=$(openssl x509 -in "$cert" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
  [ "$san" = "$names" ] || fail "$cert names $san, the tests expect $names"
  echo "ok: $stem ($names, $(openssl x509 -in "$cert" -noout -enddate))"
}
check loopback "IPAddress:127.0.0.1,DNS:localhost"
check localhost "DNS:localhost"
