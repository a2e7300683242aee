#!/usr/bin/env bash
# Makes the test SMTP server's self-signed certificates checked in beside this script:
#   loopback.pem / loopback-key.pem    CN 127.0.0.1, SAN IP:127.0.0.1 and DNS:localhost
#   localhost.pem / localhost-key.pem  CN and SAN DNS:localhost only (not for 127.0.0.1)
# Valid for 100 years; tests/support/smtp_server/certs_test.sh fails ten years before the end.
# They protect nothing: the keys are public test fixtures for servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
certificate() {
  local stem=$1 subject=$2 names=$3
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$stem-key.pem" -out "$stem.pem" \
    -days 36500 -subj "$subject" -addext "subjectAltName=$names" \
    -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
}
certificate loopback /CN=127.0.0.1 IP:127.0.0.1,DNS:localhost
certificate localhost /CN=localhost DNS:localhost
